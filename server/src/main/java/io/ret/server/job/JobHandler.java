package io.ret.server.job;

/**
 * Runs one type of job. The same handler runs in the server's local executor
 * and in a Kubernetes worker pod. It must publish its output atomically just
 * before returning (a failed or cancelled run leaves nothing that looks
 * complete) and may be run again from the start if a runner dies.
 */
public interface JobHandler {
    JobType type();

    /**
     * @return the result to store; throw {@link JobCancelledException} when
     *         {@link JobContext#cancelled()} turns true, any other exception to fail the job
     */
    Outcome run(JobRecord job, JobContext context) throws Exception;

    /**
     * The job ended without {@link #run} finishing it: its runner died and a reaper ended it,
     * or the dispatcher settled it because its worker can no longer speak for it. Undo what a
     * run leaves in between (a subject marked busy). Runs on whichever server noticed, maybe
     * while nothing of the run is left on this machine; must be safe to call twice.
     *
     * @param end FAILED or CANCELLED
     */
    default void abandoned(JobRecord job, JobState end) {
    }

    /**
     * @param result   ret.v1.JobResult bytes
     * @param resultId the object the job produced (a comparison, a collection), or null
     */
    record Outcome(byte[] result, String resultId) {
    }
}
