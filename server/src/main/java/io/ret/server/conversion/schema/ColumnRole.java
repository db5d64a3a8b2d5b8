package io.ret.server.conversion.schema;

/**
 * What a column is for. Only {@link #DATA} columns are compared, searched as values or
 * offered to SQL users as facts; the others exist for joins and provenance.
 */
public enum ColumnRole {
    /** A value from the document (or a natural-key copy of the parent's). */
    DATA,
    /** A row number made by the conversion ({@code _id}, {@code _parent_id}, {@code _root_id}): joins inside one conversion only. */
    SURROGATE,
    /** Where the row came from ({@code _file}, {@code _line}): never compared. */
    PROVENANCE,
    /** The 1-based position of a child row among its siblings, when the child has no id of its own: a key, not a value. */
    POSITION;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ColumnRole fromJson(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
