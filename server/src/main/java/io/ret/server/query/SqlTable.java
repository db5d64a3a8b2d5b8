package io.ret.server.query;

import java.util.List;

/**
 * One converted table offered to SQL as a view.
 *
 * @param name       the view name: letters, digits, underscores, unique in the session
 * @param schemaName the table's name in the conversion schema; empty for a CSV archive
 * @param file       the CSV, relative to the outputs directory, '/'-separated
 * @param columns    in file order; untyped when the session has no schema (DuckDB sniffs the types)
 * @param primaryKey the natural key, empty when none is known
 * @param parent     the parent's view name, empty for a record table
 * @param parentKey  the columns holding the parent's key
 * @param rows       data rows, as the conversion counted them (0 when unknown)
 */
public record SqlTable(String name, String schemaName, String file, List<SqlColumn> columns, List<String> primaryKey,
                       String parent, List<String> parentKey, long rows) {
    public SqlTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        parentKey = List.copyOf(parentKey);
    }

    /** Whether the view casts every column to the schema's type (else DuckDB sniffs them). */
    public boolean typed() {
        return !columns.isEmpty() && columns.stream().allMatch(c -> c.type().isPresent());
    }
}
