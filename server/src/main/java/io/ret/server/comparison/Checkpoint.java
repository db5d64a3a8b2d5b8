package io.ret.server.comparison;

/**
 * The engine's side of {@link DiffProgress}: serialises calls from both scan threads, and lets
 * one side stop the other when it fails.
 */
final class Checkpoint {
    /** Rows between progress reports and cancellation checks. */
    static final int EVERY = 1 << 14;

    private final DiffProgress progress;
    private volatile boolean stopped;

    Checkpoint(DiffProgress progress) {
        this.progress = progress;
    }

    /** Reports rows and the bytes they took, and throws {@link DiffCancelledException} when cancelled or stopped. */
    void rows(long count, long bytes) {
        if (count > 0 || bytes > 0) {
            synchronized (this) {
                progress.rowsProcessed(count);
                progress.bytesRead(bytes);
            }
        }
        check();
    }

    void check() {
        if (stopped) {
            throw new DiffCancelledException();
        }
        boolean cancelled;
        synchronized (this) {
            cancelled = progress.cancelled();
        }
        if (cancelled) {
            stopped = true;
            throw new DiffCancelledException();
        }
    }

    void stop() {
        stopped = true;
    }
}
