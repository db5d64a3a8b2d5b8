package io.ret.server.job;

/** Thrown by a handler that saw {@link JobContext#cancelled()}; the job ends CANCELLED. */
public final class JobCancelledException extends RuntimeException {
    public JobCancelledException() {
        super("cancelled", null, false, false);
    }
}
