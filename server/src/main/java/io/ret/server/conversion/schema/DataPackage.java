package io.ret.server.conversion.schema;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;

/**
 * The schema a conversion writes beside its CSVs, as a Frictionless Data Package
 * ({@code datapackage.json}, profile {@code tabular-data-package}): one resource per
 * table with a Table Schema (fields with types, {@code primaryKey}, {@code foreignKeys}).
 * What Frictionless has no word for is kept in {@code ret:}-prefixed properties, which
 * Frictionless tools ignore: the layout, each table's record path, parent, key source,
 * row count, and each field's role, null count, source and whether it holds a mixed element's string-value.
 *
 * <p>Mapped by hand with jackson-core's streaming generator and parser (the output is what
 * databind's indenting ObjectMapper wrote, byte for byte): the JSON is a public format and must
 * not move when a Java name does, and databind would cost a fresh {@code ret convert} a tenth of
 * a second of start-up.
 */
public record DataPackage(Layout layout, List<TableSchema> tables) {

    public static final String FILE_NAME = "datapackage.json";
    private static final JsonFactory JSON = new JsonFactory();

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
        try (JsonParser parser = JSON.createParser(dir.resolve(FILE_NAME).toFile())) {
            return fromJson(JsonValues.read(parser));
        }
    }

    /** Writes {@code dir/datapackage.json} atomically (a temporary file, then a move). */
    public void write(Path dir) throws IOException {
        Path temporary = dir.resolve(FILE_NAME + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary);
             JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(json);
        }
        Files.move(temporary, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public String toJsonString() {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            write(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    public static DataPackage parse(String json) throws IOException {
        try (JsonParser parser = JSON.createParser(json)) {
            return fromJson(JsonValues.read(parser));
        }
    }

    private void write(JsonGenerator json) throws IOException {
        json.useDefaultPrettyPrinter();
        json.writeStartObject();
        json.writeStringField("profile", "tabular-data-package");
        json.writeStringField("name", "ret-conversion");
        json.writeStringField("ret:layout", layout.json());
        json.writeArrayFieldStart("resources");
        for (TableSchema table : tables) {
            resource(json, table, table.isChild() ? table(table.parent()).orElse(null) : null);
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void resource(JsonGenerator json, TableSchema table, TableSchema parent) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", table.name());
        json.writeStringField("path", table.path());
        json.writeStringField("profile", "tabular-data-resource");
        json.writeStringField("format", "csv");
        json.writeStringField("mediatype", "text/csv");
        json.writeStringField("encoding", "utf-8");
        json.writeStringField("ret:recordPath", table.recordPath());
        if (!table.sourceFile().isEmpty()) {
            json.writeStringField("ret:sourceFile", table.sourceFile());
        }
        if (table.isChild()) {
            json.writeStringField("ret:parent", table.parent());
        }
        json.writeStringField("ret:keySource", table.keySource().json());
        json.writeNumberField("ret:rows", table.rows());
        json.writeObjectFieldStart("schema");
        json.writeArrayFieldStart("fields");
        for (ColumnSchema column : table.columns()) {
            json.writeStartObject();
            json.writeStringField("name", column.name());
            json.writeStringField("type", column.type().frictionless());
            json.writeStringField("ret:role", column.role().json());
            json.writeNumberField("ret:nulls", column.nulls());
            if (!column.source().isEmpty()) {
                json.writeStringField("ret:source", column.source());
            }
            if (column.mixed()) {
                json.writeBooleanField("ret:mixed", true);
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        if (!table.primaryKey().isEmpty()) {
            strings(json, "primaryKey", table.primaryKey());
        }
        if (parent != null && !table.parentKey().isEmpty()) {
            // the child's copies of the parent key are named with the parent's row element as prefix
            json.writeArrayFieldStart("foreignKeys");
            json.writeStartObject();
            strings(json, "fields", table.parentKey());
            json.writeObjectFieldStart("reference");
            json.writeStringField("resource", parent.name());
            strings(json, "fields", parent.primaryKey());
            json.writeEndObject();
            json.writeEndObject();
            json.writeEndArray();
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void strings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    static DataPackage fromJson(Object root) throws IOException {
        if (!JsonValues.isObject(root) || !JsonValues.isArray(path(root, "resources"))) {
            throw new IOException(FILE_NAME + " has no resources");
        }
        Layout layout;
        try {
            layout = Layout.fromJson(text(path(root, "ret:layout"), "per-file"));
        } catch (IllegalArgumentException e) {
            throw new IOException(FILE_NAME + ": " + e.getMessage());
        }
        List<TableSchema> tables = new ArrayList<>();
        for (Object resource : JsonValues.elements(path(root, "resources"))) {
            tables.add(table(resource));
        }
        return new DataPackage(layout, tables);
    }

    private static TableSchema table(Object resource) throws IOException {
        String name = required(resource, "name");
        Object schema = path(resource, "schema");
        List<ColumnSchema> columns = new ArrayList<>();
        for (Object field : JsonValues.elements(path(schema, "fields"))) {
            try {
                columns.add(new ColumnSchema(required(field, "name"),
                        ColumnType.fromFrictionless(text(path(field, "type"), "string")),
                        ColumnRole.fromJson(text(path(field, "ret:role"), "data")),
                        JsonValues.asLong(path(field, "ret:nulls"), 0), text(path(field, "ret:source"), ""),
                        Boolean.TRUE.equals(path(field, "ret:mixed"))));
            } catch (IllegalArgumentException e) {
                throw new IOException(FILE_NAME + ": table '" + name + "': " + e.getMessage());
            }
        }
        List<String> parentKey = List.of();
        for (Object foreignKey : JsonValues.elements(path(schema, "foreignKeys"))) {
            parentKey = texts(path(foreignKey, "fields"));
        }
        KeySource keySource;
        try {
            keySource = KeySource.fromJson(text(path(resource, "ret:keySource"), "none"));
        } catch (IllegalArgumentException e) {
            throw new IOException(FILE_NAME + ": table '" + name + "': " + e.getMessage());
        }
        return new TableSchema(name, required(resource, "path"), text(path(resource, "ret:sourceFile"), ""),
                text(path(resource, "ret:recordPath"), ""), text(path(resource, "ret:parent"), ""),
                texts(path(schema, "primaryKey")), parentKey, keySource,
                JsonValues.asLong(path(resource, "ret:rows"), 0), columns);
    }

    private static Object path(Object node, String field) {
        return JsonValues.path(node, field);
    }

    private static String text(Object node, String missing) {
        return JsonValues.text(node, missing);
    }

    private static List<String> texts(Object array) {
        List<String> values = new ArrayList<>();
        if (array instanceof String single) {
            values.add(single); // Frictionless allows a single field as a string
        }
        for (Object value : JsonValues.elements(array)) {
            values.add(text(value, "null"));
        }
        return values;
    }

    private static String required(Object node, String field) throws IOException {
        if (!(path(node, field) instanceof String value) || value.isEmpty()) {
            throw new IOException(FILE_NAME + ": missing '" + field + "'");
        }
        return value;
    }
}
