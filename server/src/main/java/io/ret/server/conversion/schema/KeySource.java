package io.ret.server.conversion.schema;

/** Where a table's natural key came from. */
public enum KeySource {
    /** Given by the user for this table or record path. */
    GIVEN,
    /** An id-like column found non-empty and unique over the whole table (within the parent, for a child). */
    DETECTED,
    /** A child table without an id of its own: its parent's key plus the row's position among its siblings. */
    POSITION,
    /** No column can serve: rows are compared as a multiset. */
    NONE;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static KeySource fromJson(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
