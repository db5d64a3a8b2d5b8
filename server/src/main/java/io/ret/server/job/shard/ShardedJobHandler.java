package io.ret.server.job.shard;

import io.ret.server.job.JobContext;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobType;

/**
 * A job type that several worker pods can run at once, each one {@link Shard}. What must happen
 * once per job is split off the shards: {@link #prepare} before the first shard starts,
 * {@link #complete} after the last one succeeded; {@link ShardedRun} sees that each runs once.
 */
public interface ShardedJobHandler {
    JobType type();

    /**
     * Clears what an earlier run of the job left and says how much work the job is, before any
     * shard starts. Run again only when its runner died before the shards were created.
     *
     * @return the job's total work, in its work unit
     */
    long prepare(JobRecord job) throws Exception;

    /**
     * Does one shard's part. A shard whose pod died is run again from the start: it must then
     * write the same output again (idempotent writes), never a second copy.
     *
     * @param context progress counts this shard's work only; throw
     *                {@link io.ret.server.job.JobCancelledException} once it is cancelled
     * @return the work this shard did
     */
    long runShard(JobRecord job, Shard shard, JobContext context) throws Exception;

    /** Once, after every shard succeeded: what makes the output usable as a whole, and the job's result. */
    JobHandler.Outcome complete(JobRecord job, long workDone) throws Exception;

    /** After a cancel: removes what the shards wrote, so no partial output looks complete. */
    void discard(JobRecord job);
}
