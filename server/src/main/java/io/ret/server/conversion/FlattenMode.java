package io.ret.server.conversion;

/** How repeated elements inside a record are flattened (see docs/flattening.md). */
public enum FlattenMode {
    /** Every repeated element becomes a child table linked to its parent row. */
    CHILD_TABLES,
    /** Repeated text-only elements are joined into one cell; repeated structures still become child tables. */
    JOIN_REPEATED
}
