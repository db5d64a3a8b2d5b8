package io.ret.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum Phase {
    /** Waiting for a worker slot, or the worker pod has not started yet. */
    @JsonProperty("Pending") PENDING,
    /** A worker pod has started; the job has not finished. */
    @JsonProperty("Running") RUNNING,
    @JsonProperty("Succeeded") SUCCEEDED,
    @JsonProperty("Failed") FAILED,
    @JsonProperty("Cancelled") CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
