package io.ret.server.query;

import java.nio.file.Path;
import java.util.StringJoiner;

import io.ret.server.conversion.schema.ColumnType;

/**
 * The DDL of a table's view: the CSV read where it lies. A typed table reads every
 * field as text and casts it to the schema's type with TRY_CAST, so one odd cell
 * becomes NULL instead of failing every statement over the table; an untyped one
 * (no schema) lets DuckDB sniff the types.
 *
 * <p>The cast is written {@code TRY_CAST(nullif(c, '') AS T)}: DuckDB 2.0 pushes a bare
 * {@code TRY_CAST} of a CSV column down into the reader as a strict type, where one
 * odd cell fails the whole scan; the {@code nullif} keeps the cast in the projection.
 */
final class ViewDefinitions {
    /** Bumped whenever the DDL changes, so views made by an older server are made again. */
    static final String VERSION = "v1";

    private ViewDefinitions() {
    }

    static String create(SqlTable table, Path outputsDir) {
        String file = SqlSandbox.literal(outputsDir.resolve(table.file()).toString());
        String options = "header = true, delim = ',', quote = '\"', escape = '\"', max_line_size = 67108864";
        if (!table.typed()) {
            return "CREATE VIEW " + quote(table.name()) + " AS SELECT * FROM read_csv(" + file + ", " + options + ")";
        }
        StringJoiner select = new StringJoiner(", ");
        StringJoiner columns = new StringJoiner(", ", "{", "}");
        for (SqlColumn column : table.columns()) {
            columns.add(SqlSandbox.literal(column.name()) + ": 'VARCHAR'");
            ColumnType type = column.type().orElseThrow();
            String name = quote(column.name());
            select.add(type == ColumnType.STRING ? name : "TRY_CAST(nullif(" + name + ", '') AS " + sqlType(type) + ") AS " + name);
        }
        return "CREATE VIEW " + quote(table.name()) + " AS SELECT " + select + " FROM read_csv(" + file + ", " + options
                + ", columns = " + columns + ")";
    }

    static String sqlType(ColumnType type) {
        return switch (type) {
            case INTEGER -> "BIGINT";
            case DECIMAL -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case TIMESTAMP -> "TIMESTAMP";
            case STRING -> "VARCHAR";
        };
    }

    /** An identifier in double quotes, so any column name (keywords, dots, spaces) is usable. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
