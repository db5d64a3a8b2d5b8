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
}
