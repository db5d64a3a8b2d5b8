package io.ret.server.query.ask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ret.server.query.CancelSignal;
import io.ret.server.query.QuerySettings;
import io.ret.server.query.ResultColumn;
import io.ret.server.query.RowSink;
import io.ret.server.query.SqlColumn;
import io.ret.server.query.SqlSandbox;
import io.ret.server.query.SqlTable;
import io.ret.server.query.ValueKind;

/**
 * Per table and column of one session: the column's type as DuckDB reads it and, for a
 * text column with few distinct values, those values. The planner links words of a
 * question to these values ("Oslo", "unpaid") and so to the column to filter on.
 * Built at indexing time and kept beside the session's views.
 */
public record ValueDictionary(Map<String, Map<String, Column>> tables) {
    /** Text columns with more distinct values than this keep none (names, ids, free text). */
    static final int MAX_VALUES = 200;
    static final int MAX_VALUE_CHARS = 80;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SqlSandbox SANDBOX = new SqlSandbox(new QuerySettings(MAX_VALUES + 1, 256, 1, Duration.ofMinutes(5)));

    /** @param values empty when the column is not text or has too many distinct values */
    public record Column(ValueKind kind, List<String> values) {
    }

    public Map<String, Column> table(String view) {
        return tables.getOrDefault(view, Map.of());
    }

    /** Reads the tables' column types and distinct values through the sandbox. */
    public static ValueDictionary build(SqlSandbox.Target target) {
        Map<String, Map<String, Column>> tables = new LinkedHashMap<>();
        for (SqlTable table : target.tables()) {
            Map<String, Column> columns = new LinkedHashMap<>();
            List<ResultColumn> described = new ArrayList<>();
            SANDBOX.run(target, "SELECT * FROM " + quote(table.name()) + " LIMIT 0", 0, CancelSignal.NEVER,
                    collect(described, new ArrayList<>()));
            for (ResultColumn column : described) {
                boolean data = table.columns().stream().filter(c -> c.name().equals(column.name())).findFirst()
                        .map(SqlColumn::data).orElse(true);
                List<String> values = data && column.kind() == ValueKind.STRING ? values(target, table, column.name()) : List.of();
                columns.put(column.name(), new Column(column.kind(), values));
            }
            tables.put(table.name(), columns);
        }
        return new ValueDictionary(tables);
    }

    private static List<String> values(SqlSandbox.Target target, SqlTable table, String column) {
        List<List<Object>> rows = new ArrayList<>();
        String c = quote(column);
        var outcome = SANDBOX.run(target, "SELECT " + c + " FROM " + quote(table.name()) + " WHERE " + c
                + " IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1", MAX_VALUES, CancelSignal.NEVER,
                collect(new ArrayList<>(), rows));
        if (outcome.truncated()) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (List<Object> row : rows) {
            String value = String.valueOf(row.getFirst());
            if (value.length() <= MAX_VALUE_CHARS && !value.isBlank()) {
                values.add(value);
            }
        }
        return values;
    }

    static RowSink collect(List<ResultColumn> columns, List<List<Object>> rows) {
        return new RowSink() {
            @Override
            public void columns(List<ResultColumn> described) {
                columns.addAll(described);
            }

            @Override
            public void row(List<Object> values) {
                rows.add(values);
            }
        };
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        tables.forEach((table, columns) -> {
            ObjectNode t = root.putObject(table);
            columns.forEach((name, column) -> {
                ObjectNode c = t.putObject(name);
                c.put("kind", column.kind().name());
                column.values().forEach(c.putArray("values")::add);
            });
        });
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(temporary.toFile(), root);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static ValueDictionary read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, Map<String, Column>> tables = new LinkedHashMap<>();
        root.properties().forEach(t -> {
            Map<String, Column> columns = new LinkedHashMap<>();
            t.getValue().properties().forEach(c -> {
                List<String> values = new ArrayList<>();
                c.getValue().path("values").forEach(v -> values.add(v.asText()));
                columns.put(c.getKey(), new Column(ValueKind.valueOf(c.getValue().path("kind").asText("OTHER")), values));
            });
            tables.put(t.getKey(), columns);
        });
        return new ValueDictionary(tables);
    }
}
