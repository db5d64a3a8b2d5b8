package io.ret.operator.api;

import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The spec fields every job kind has. Absent optional fields read as their defaults here. */
public sealed interface RetJobSpec permits ConversionJobSpec, IndexJobSpec {
    int DEFAULT_RETRIES = 1;
    /** The JSON merge patch that asks for a job to stop ({@code spec.cancel: true}). */
    String CANCEL_PATCH = "{\"spec\":{\"cancel\":true}}";

    String sessionId();

    String owner();

    Integer priority();

    Integer retries();

    Integer deadlineSeconds();

    Integer ttlSecondsAfterFinished();

    ResourceRequirements resources();

    Boolean cancel();

    String jobId();

    default int priorityOrDefault() {
        return priority() == null ? 0 : priority();
    }

    default int retriesOrDefault() {
        return retries() == null ? DEFAULT_RETRIES : retries();
    }

    /** Worker pods of this job, each running one shard of it; 1 for kinds that do not shard. */
    default int parallelismOrDefault() {
        return 1;
    }

    default boolean cancelRequested() {
        return Boolean.TRUE.equals(cancel());
    }
}
