package io.ret.server.job;

import java.time.Instant;

/** A row of the jobs table. {@code params} and {@code result} are protobuf bytes owned by the job's handler. */
public record JobRecord(
        String id,
        JobType type,
        String ownerId,
        JobState state,
        int priority,
        int progress,
        String phase,
        long workDone,
        long workTotal,
        String subjectId,
        String resultId,
        byte[] params,
        byte[] result,
        String errorReason,
        String errorMessage,
        int attempts,
        int maxAttempts,
        boolean cancelRequested,
        String runner,
        Instant heartbeatAt,
        long version,
        String correlationId,
        Instant createdAt,
        Instant startedAt,
        Instant updatedAt,
        Instant endedAt) {

    /**
     * A new job as it enters the queue: pending, no progress, no runner, no attempt yet. The one
     * place new rows are built (the API's start calls and a worker registering a kubectl resource).
     */
    public static JobRecord pending(String id, JobType type, String ownerId, int priority, String subjectId,
                                    byte[] params, int maxAttempts, String correlationId, Instant now) {
        return new JobRecord(id, type, ownerId, JobState.PENDING, priority, 0, "queued", 0, 0, subjectId, null, params,
                null, null, null, 0, maxAttempts, false, null, null, 0, correlationId, now, null, now, null);
    }

    /** The same pending job with the work it is known to hold from the start (rows, chunks) and a phase saying so. */
    public JobRecord withWork(long total, String queuedPhase) {
        return new JobRecord(id, type, ownerId, state, priority, progress, queuedPhase, workDone, total, subjectId, resultId,
                params, result, errorReason, errorMessage, attempts, maxAttempts, cancelRequested, runner, heartbeatAt,
                version, correlationId, createdAt, startedAt, updatedAt, endedAt);
    }
}
