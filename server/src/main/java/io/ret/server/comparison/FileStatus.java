package io.ret.server.comparison;

public enum FileStatus {
    /** On both sides and compared. */
    MATCHED,
    /** Only on the right. */
    ADDED,
    /** Only on the left. */
    REMOVED,
    /** Could not be compared; {@link FileDiff#error()} says why. */
    FAILED
}
