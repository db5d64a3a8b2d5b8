package io.ret.server.query;

/**
 * A column of a statement's result.
 *
 * @param databaseType DuckDB's own type name
 */
public record ResultColumn(String name, ValueKind kind, String databaseType) {
}
