package io.ret.server.job;

import java.time.Duration;
import java.util.Optional;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobError;
import io.ret.api.v1.JobResult;
import io.ret.server.platform.grpc.Protos;

/** Jobs as ret.v1 messages. */
public final class JobProtos {
    private JobProtos() {
    }

    public static Job job(JobRecord j) {
        Job.Builder job = Job.newBuilder()
                .setId(j.id())
                .setType(type(j.type()))
                .setOwnerId(j.ownerId())
                .setState(state(j.state()))
                .setProgressPercent(j.progress())
                .setPhase(Protos.nullToEmpty(j.phase()))
                .setPriority(j.priority())
                .setAttempts(j.attempts())
                .setWorkDone(j.workDone())
                .setWorkTotal(j.workTotal())
                .setWorkUnit(j.type().workUnit())
                .setSubjectId(Protos.nullToEmpty(j.subjectId()))
                .setResultId(Protos.nullToEmpty(j.resultId()))
                .setCancelRequested(j.cancelRequested())
                .setCreateTime(Protos.timestamp(j.createdAt()))
                .setUpdateTime(Protos.timestamp(j.updatedAt()));
        Protos.setIfPresent(j.startedAt(), job::setStartTime);
        Protos.setIfPresent(j.endedAt(), job::setEndTime);
        estimatedTimeRemaining(j).ifPresent(left -> job.setEstimatedTimeRemaining(
                com.google.protobuf.Duration.newBuilder().setSeconds(left.toSeconds()).setNanos(left.toNanosPart())));
        if (j.result() != null && j.state() == JobState.SUCCEEDED) {
            try {
                job.setResult(JobResult.parseFrom(j.result()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("job " + j.id() + " has an unreadable result", e);
            }
        }
        if (j.errorReason() != null) {
            job.setError(JobError.newBuilder().setReason(j.errorReason()).setMessage(Protos.nullToEmpty(j.errorMessage())));
        }
        return job.build();
    }

    /** Time left at the pace so far, once the job has run {@link #PACE_AFTER} and done some work. */
    static Optional<Duration> estimatedTimeRemaining(JobRecord j) {
        if (j.state() != JobState.RUNNING || j.startedAt() == null || j.updatedAt() == null || j.workDone() <= 0
                || j.workTotal() <= j.workDone()) {
            return Optional.empty();
        }
        Duration elapsed = Duration.between(j.startedAt(), j.updatedAt());
        if (elapsed.compareTo(PACE_AFTER) < 0) {
            return Optional.empty();
        }
        double perUnit = (double) elapsed.toNanos() / j.workDone();
        return Optional.of(Duration.ofNanos((long) (perUnit * (j.workTotal() - j.workDone()))));
    }

    private static final Duration PACE_AFTER = Duration.ofSeconds(2);

    public static io.ret.api.v1.JobType type(JobType type) {
        return switch (type) {
            case CONVERSION -> io.ret.api.v1.JobType.JOB_TYPE_CONVERSION;
            case COMPARISON -> io.ret.api.v1.JobType.JOB_TYPE_COMPARISON;
            case INDEXING -> io.ret.api.v1.JobType.JOB_TYPE_INDEXING;
        };
    }

    /** Null for UNSPECIFIED (no filter). */
    public static JobType type(io.ret.api.v1.JobType type) {
        return switch (type) {
            case JOB_TYPE_CONVERSION -> JobType.CONVERSION;
            case JOB_TYPE_COMPARISON -> JobType.COMPARISON;
            case JOB_TYPE_INDEXING -> JobType.INDEXING;
            default -> null;
        };
    }

    public static io.ret.api.v1.JobState state(JobState state) {
        return switch (state) {
            case PENDING -> io.ret.api.v1.JobState.JOB_STATE_PENDING;
            case RUNNING -> io.ret.api.v1.JobState.JOB_STATE_RUNNING;
            case SUCCEEDED -> io.ret.api.v1.JobState.JOB_STATE_SUCCEEDED;
            case FAILED -> io.ret.api.v1.JobState.JOB_STATE_FAILED;
            case CANCELLED -> io.ret.api.v1.JobState.JOB_STATE_CANCELLED;
        };
    }

    /** Null for UNSPECIFIED (no filter). */
    public static JobState state(io.ret.api.v1.JobState state) {
        return switch (state) {
            case JOB_STATE_PENDING -> JobState.PENDING;
            case JOB_STATE_RUNNING -> JobState.RUNNING;
            case JOB_STATE_SUCCEEDED -> JobState.SUCCEEDED;
            case JOB_STATE_FAILED -> JobState.FAILED;
            case JOB_STATE_CANCELLED -> JobState.CANCELLED;
            default -> null;
        };
    }
}
