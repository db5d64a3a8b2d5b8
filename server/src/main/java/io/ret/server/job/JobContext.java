package io.ret.server.job;

/** What a running handler reports to, and learns from, its runner. */
public interface JobContext {
    /**
     * Reports progress. Cheap to call often: the row is written at a bounded
     * rate. {@code done} and {@code total} are in the job type's work unit.
     */
    void progress(long done, long total, String phase);

    /** True once CancelJob was called; the handler should stop and clean up. */
    boolean cancelled();

    /** Throws {@link JobCancelledException} if cancelled. */
    default void checkCancelled() {
        if (cancelled()) {
            throw new JobCancelledException();
        }
    }
}
