package io.ret.server.comparison;

/** What a join or alignment found, row by row, in the order deltas should be emitted. */
interface JoinListener {
    void unchanged(long rows);

    /** Rows paired by key (or by position in ordered mode) whose hashes differ: compare their cells. */
    void candidate(RowIndex left, int l, RowIndex right, int r);

    void removed(RowIndex left, int l);

    void added(RowIndex right, int r);

    /** A key hash seen on more than one row of one side; {@code first}, {@code second} are two such rows. */
    void duplicateKey(boolean leftSide, RowIndex rows, int first, int second);
}
