package io.ret.server.comparison;

/**
 * Progress and cancellation. The engine calls both methods from its own threads, one call at a
 * time; {@code rowsProcessed} counts rows read on either side (so a pair of files totals
 * rowsLeft + rowsRight). Returning true from {@code cancelled} makes the comparison stop soon
 * with {@link DiffCancelledException}.
 */
public interface DiffProgress {
    void rowsProcessed(long delta);

    boolean cancelled();

    /** Bytes of CSV data scanned, on either side (each file's data once). */
    default void bytesRead(long delta) {
    }

    /** Files (pairs) compared so far, of all; first called with 0 before any. */
    default void filesDone(int done, int total) {
    }

    DiffProgress NONE = new DiffProgress() {
        @Override
        public void rowsProcessed(long delta) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    };
}
