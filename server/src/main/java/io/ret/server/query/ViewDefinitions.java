package io.ret.server.query;

import java.nio.file.Path;
import java.util.StringJoiner;

import io.ret.server.conversion.schema.ColumnType;

/**
 * The DDL of a table's view: the CSV read where it lies. A typed table hands DuckDB's
 * CSV reader the schema's types ({@code columns = {...}}): the conversion
 * checked every value against its column's type, so the reader parses each field once,
 * straight into its type. A value that does not parse fails the statements that read its
 * column, with the file, line, column and value ({@link SqlSandbox} reports it as
 * {@code SQL_BAD_VALUE}); statements that leave the column out are unaffected. An untyped
 * table (no schema) lets DuckDB sniff the types. The dialect sniffer stays on even for typed
 * tables: with {@code auto_detect = false} the same scans took two to three times as long.
 *
 * <p>Until v2 the views read every field as text and cast it with TRY_CAST (an odd cell
 * became NULL), at about twice the cost of a typed read (bench/query-results.md).
 */
final class ViewDefinitions {
    /** Bumped whenever the DDL changes, so views made by an older server are made again. */
    static final String VERSION = "v2";

    private ViewDefinitions() {
    }

    static String create(SqlTable table, Path outputsDir) {
        String file = SqlSandbox.literal(outputsDir.resolve(table.file()).toString());
        String options = "header = true, delim = ',', quote = '\"', escape = '\"', max_line_size = 67108864";
        if (!table.typed()) {
            return "CREATE VIEW " + quote(table.name()) + " AS SELECT * FROM read_csv(" + file + ", " + options + ")";
        }
        StringJoiner columns = new StringJoiner(", ", "{", "}");
        for (SqlColumn column : table.columns()) {
            columns.add(SqlSandbox.literal(column.name()) + ": '" + sqlType(column.type().orElseThrow()) + "'");
        }
        return "CREATE VIEW " + quote(table.name()) + " AS SELECT * FROM read_csv(" + file + ", " + options
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
