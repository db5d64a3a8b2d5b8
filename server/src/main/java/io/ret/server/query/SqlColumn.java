package io.ret.server.query;

import java.util.Optional;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnType;

/**
 * A column of a table as SQL sees it.
 *
 * @param type the schema's type; empty when the session has no schema (DuckDB sniffs it)
 * @param role what the column is for; DATA when the session has no schema
 */
public record SqlColumn(String name, Optional<ColumnType> type, ColumnRole role) {
    public boolean numeric() {
        return type.filter(t -> t == ColumnType.INTEGER || t == ColumnType.DECIMAL).isPresent();
    }

    public boolean data() {
        return role == ColumnRole.DATA;
    }
}
