package io.ret.server.session;

/**
 * How much a job may write to session storage: bytes per job, bytes per user (all of the
 * user's session files except their uploaded archives, which the upload limit already
 * bounds), and free space the volume must keep. A job that crosses any of them fails with
 * {@code OUTPUT_BUDGET} and removes what it wrote.
 */
public record OutputBudget(long perJobBytes, long perUserBytes, long freeDiskFloorBytes) {

    public OutputBudget {
        if (perJobBytes < 1 || perUserBytes < 1 || freeDiskFloorBytes < 0) {
            throw new IllegalArgumentException("output budget must be positive");
        }
    }

    /** 20 GiB per job, 100 GiB per user, 1 GiB free. */
    public static OutputBudget defaults() {
        return new OutputBudget(20L << 30, 100L << 30, 1L << 30);
    }
}
