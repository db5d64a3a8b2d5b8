package io.ret.server.conversion.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The schema a conversion writes beside its CSVs, as a Frictionless Data Package
 * ({@code datapackage.json}, profile {@code tabular-data-package}): one resource per
 * table with a Table Schema (fields with types, {@code primaryKey}, {@code foreignKeys}).
 * What Frictionless has no word for is kept in {@code ret:}-prefixed properties, which
 * Frictionless tools ignore: the layout, each table's record path, parent, key source,
 * row count, and each field's role and null count.
 *
 * <p>Mapped by hand over Jackson's tree model: the JSON is a public format and must not
 * move when a Java name does.
 */
public record DataPackage(Layout layout, List<TableSchema> tables) {

    public static final String FILE_NAME = "datapackage.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public DataPackage {
        Objects.requireNonNull(layout, "layout");
        tables = List.copyOf(tables);
    }

    public Optional<TableSchema> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The table written to {@code path} (relative to the output directory, '/'-separated). */
    public Optional<TableSchema> tableAt(String path) {
        return tables.stream().filter(t -> t.path().equals(path)).findFirst();
    }

    /** Whether {@code dir} holds a schema. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE_NAME));
    }

    /** Reads {@code dir/datapackage.json}. */
    public static DataPackage read(Path dir) throws IOException {
        return fromJson(JSON.readTree(dir.resolve(FILE_NAME).toFile()));
    }

    /** Writes {@code dir/datapackage.json} atomically (a temporary file, then a move). */
    public void write(Path dir) throws IOException {
        Path temporary = dir.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(temporary.toFile(), toJson());
        Files.move(temporary, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public String toJsonString() {
        try {
            return JSON.writeValueAsString(toJson());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DataPackage parse(String json) throws IOException {
        return fromJson(JSON.readTree(json));
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("profile", "tabular-data-package");
        root.put("name", "ret-conversion");
        root.put("ret:layout", layout.json());
        ArrayNode resources = root.putArray("resources");
        for (TableSchema table : tables) {
            resources.add(resource(table, table.isChild() ? table(table.parent()).orElse(null) : null));
        }
        return root;
    }

    private static ObjectNode resource(TableSchema table, TableSchema parent) {
        ObjectNode resource = JSON.createObjectNode();
        resource.put("name", table.name());
        resource.put("path", table.path());
        resource.put("profile", "tabular-data-resource");
        resource.put("format", "csv");
        resource.put("mediatype", "text/csv");
        resource.put("encoding", "utf-8");
        resource.put("ret:recordPath", table.recordPath());
        if (!table.sourceFile().isEmpty()) {
            resource.put("ret:sourceFile", table.sourceFile());
        }
        if (table.isChild()) {
            resource.put("ret:parent", table.parent());
        }
        resource.put("ret:keySource", table.keySource().json());
        resource.put("ret:rows", table.rows());
        ObjectNode schema = resource.putObject("schema");
        ArrayNode fields = schema.putArray("fields");
        for (ColumnSchema column : table.columns()) {
            ObjectNode field = fields.addObject();
            field.put("name", column.name());
            field.put("type", column.type().frictionless());
            field.put("ret:role", column.role().json());
            field.put("ret:nulls", column.nulls());
            if (!column.source().isEmpty()) {
                field.put("ret:source", column.source());
            }
        }
        if (!table.primaryKey().isEmpty()) {
            strings(schema.putArray("primaryKey"), table.primaryKey());
        }
        if (parent != null && !table.parentKey().isEmpty()) {
            // the child's copies of the parent key are named with the parent's row element as prefix
            ObjectNode foreignKey = schema.putArray("foreignKeys").addObject();
            strings(foreignKey.putArray("fields"), table.parentKey());
            ObjectNode reference = foreignKey.putObject("reference");
            reference.put("resource", parent.name());
            strings(reference.putArray("fields"), parent.primaryKey());
        }
        return resource;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    static DataPackage fromJson(JsonNode root) throws IOException {
        if (!root.isObject() || !root.path("resources").isArray()) {
            throw new IOException(FILE_NAME + " has no resources");
        }
        Layout layout;
        try {
            layout = Layout.fromJson(root.path("ret:layout").asText("per-file"));
        } catch (IllegalArgumentException e) {
            throw new IOException(FILE_NAME + ": " + e.getMessage());
        }
        List<TableSchema> tables = new ArrayList<>();
        for (JsonNode resource : root.path("resources")) {
            tables.add(table(resource));
        }
        return new DataPackage(layout, tables);
    }

    private static TableSchema table(JsonNode resource) throws IOException {
        String name = required(resource, "name");
        JsonNode schema = resource.path("schema");
        List<ColumnSchema> columns = new ArrayList<>();
        for (JsonNode field : schema.path("fields")) {
            try {
                columns.add(new ColumnSchema(required(field, "name"),
                        ColumnType.fromFrictionless(field.path("type").asText("string")),
                        ColumnRole.fromJson(field.path("ret:role").asText("data")),
                        field.path("ret:nulls").asLong(0), field.path("ret:source").asText("")));
            } catch (IllegalArgumentException e) {
                throw new IOException(FILE_NAME + ": table '" + name + "': " + e.getMessage());
            }
        }
        List<String> parentKey = List.of();
        for (JsonNode foreignKey : schema.path("foreignKeys")) {
            parentKey = texts(foreignKey.path("fields"));
        }
        KeySource keySource;
        try {
            keySource = KeySource.fromJson(resource.path("ret:keySource").asText("none"));
        } catch (IllegalArgumentException e) {
            throw new IOException(FILE_NAME + ": table '" + name + "': " + e.getMessage());
        }
        return new TableSchema(name, required(resource, "path"), resource.path("ret:sourceFile").asText(""),
                resource.path("ret:recordPath").asText(""), resource.path("ret:parent").asText(""),
                texts(schema.path("primaryKey")), parentKey, keySource, resource.path("ret:rows").asLong(0), columns);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array.isTextual()) {
            values.add(array.asText()); // Frictionless allows a single field as a string
        }
        for (JsonNode value : array) {
            values.add(value.asText());
        }
        return values;
    }

    private static String required(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IOException(FILE_NAME + ": missing '" + field + "'");
        }
        return value.asText();
    }
}
