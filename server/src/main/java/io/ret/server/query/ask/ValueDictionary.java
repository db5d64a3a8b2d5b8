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
import java.util.StringJoiner;

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

    /**
     * @param values empty when the column is not text or has too many distinct values
     * @param unique every value occurs once (an identifier column): a value names one row
     */
    public record Column(ValueKind kind, List<String> values, boolean unique) {
        public Column(ValueKind kind, List<String> values) {
            this(kind, values, false);
        }
    }

    public Map<String, Column> table(String view) {
        return tables.getOrDefault(view, Map.of());
    }

    /**
     * Reads the tables' column types and distinct values through the sandbox in two statements
     * for the whole session (the columns of every view, then the values of every text column),
     * not one a column: it runs in every indexing job, and each statement pays for a fresh DuckDB.
     */
    public static ValueDictionary build(SqlSandbox.Target target) {
        Map<String, Map<String, Column>> tables = new LinkedHashMap<>();
        target.tables().forEach(t -> tables.put(t.name(), new LinkedHashMap<>()));
        List<List<Object>> described = new ArrayList<>();
        SANDBOX.run(target, "SELECT table_name, column_name, data_type FROM duckdb_columns()"
                + " WHERE database_name = current_database() ORDER BY table_name, column_index", Integer.MAX_VALUE,
                CancelSignal.NEVER, collect(new ArrayList<>(), described));
        List<String[]> text = new ArrayList<>();
        for (List<Object> row : described) {
            String view = String.valueOf(row.get(0));
            String column = String.valueOf(row.get(1));
            Map<String, Column> columns = tables.get(view);
            SqlTable table = target.tables().stream().filter(t -> t.name().equals(view)).findFirst().orElse(null);
            if (columns == null || table == null) {
                continue;
            }
            ValueKind kind = SqlSandbox.kind(String.valueOf(row.get(2)));
            columns.put(column, new Column(kind, List.of()));
            boolean data = table.columns().stream().filter(c -> c.name().equals(column)).findFirst()
                    .map(SqlColumn::data).orElse(true);
            if (data && kind == ValueKind.STRING) {
                text.add(new String[] {view, column});
            }
        }
        values(target, text).forEach((column, values) -> tables.get(column[0]).put(column[1], values));
        return new ValueDictionary(tables);
    }

    /**
     * The distinct values of the {@code (view, column)} pairs, most frequent first, in one
     * statement: per column at most {@link #MAX_VALUES} + 1 values, and a column with more keeps none.
     */
    private static Map<String[], Column> values(SqlSandbox.Target target, List<String[]> columns) {
        Map<String[], Column> values = new LinkedHashMap<>();
        if (columns.isEmpty()) {
            return values;
        }
        // each CSV is read once (a materialized CTE of its text columns), not once per column
        Map<String, String> scans = new LinkedHashMap<>();
        Map<String, StringJoiner> projections = new LinkedHashMap<>();
        for (String[] column : columns) {
            scans.computeIfAbsent(column[0], v -> "__values_" + scans.size());
            projections.computeIfAbsent(column[0], v -> new StringJoiner(", ")).add(quote(column[1]));
        }
        StringJoiner with = new StringJoiner(", ", "WITH ", " ");
        scans.forEach((view, name) -> with.add(name + " AS MATERIALIZED (SELECT " + projections.get(view) + " FROM " + quote(view) + ")"));
        StringJoiner union = new StringJoiner(" UNION ALL ", with + "SELECT * FROM (", ") ORDER BY 1, 3 DESC, 2");
        for (int i = 0; i < columns.size(); i++) {
            String c = quote(columns.get(i)[1]);
            union.add("(SELECT " + i + " AS c, " + c + " AS v, count(*) AS n FROM " + scans.get(columns.get(i)[0]) + " WHERE " + c
                    + " IS NOT NULL GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT " + (MAX_VALUES + 1) + ")");
        }
        List<List<Object>> rows = new ArrayList<>();
        SANDBOX.run(target, union.toString(), (MAX_VALUES + 1) * columns.size(), CancelSignal.NEVER,
                collect(new ArrayList<>(), rows));
        Map<Integer, List<String>> byColumn = new LinkedHashMap<>();
        Map<Integer, Boolean> unique = new LinkedHashMap<>();
        for (List<Object> row : rows) {
            int column = ((Number) row.getFirst()).intValue();
            byColumn.computeIfAbsent(column, k -> new ArrayList<>()).add(String.valueOf(row.get(1)));
            unique.merge(column, ((Number) row.get(2)).longValue() == 1, Boolean::logicalAnd);
        }
        byColumn.forEach((i, found) -> values.put(columns.get(i), found.size() > MAX_VALUES
                ? new Column(ValueKind.STRING, List.of())
                : new Column(ValueKind.STRING, found.stream().filter(v -> v.length() <= MAX_VALUE_CHARS && !v.isBlank()).toList(),
                unique.get(i))));
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
                if (column.unique()) {
                    c.put("unique", true);
                }
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
                columns.put(c.getKey(), new Column(ValueKind.valueOf(c.getValue().path("kind").asText("OTHER")), values,
                        c.getValue().path("unique").asBoolean(false)));
            });
            tables.put(t.getKey(), columns);
        });
        return new ValueDictionary(tables);
    }
}
