package io.ret.server.comparison;

import java.util.List;

/**
 * Receives the row deltas of a comparison, file by file, on the thread that called the engine.
 * For each compared file {@link #beginFile} comes first (writers need both headers), then that
 * file's deltas.
 */
@FunctionalInterface
public interface DeltaSink {
    void accept(RowDelta delta);

    /** Called once per compared file, before its deltas, with both headers as read. */
    default void beginFile(String file, List<String> leftColumns, List<String> rightColumns) {
    }

    /** Called for a file that could not be compared, after any deltas it sent, so no writer leaves it out silently. */
    default void failedFile(String file, String error) {
    }

    static DeltaSink discard() {
        return delta -> { };
    }
}
