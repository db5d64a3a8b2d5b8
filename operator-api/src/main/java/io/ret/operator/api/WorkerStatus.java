package io.ret.operator.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The status fields the worker owns ({@code progress}, {@code message}, {@code jobId},
 * {@code attempts}, {@code outcome}). Sent as a JSON merge patch of the status subresource that
 * names only the fields set here, so the operator's fields are never touched.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerStatus(Integer progress, String message, String jobId, Integer attempts, Phase outcome) {

    public static WorkerStatus message(String message) {
        return new WorkerStatus(null, message, null, null, null);
    }

    public static WorkerStatus outcome(Phase outcome) {
        return new WorkerStatus(null, null, null, null, outcome);
    }

    /** The body of the merge patch: {@code {"status": {...worker fields...}}}. */
    public Map<String, Object> asMergePatch() {
        return Map.of("status", this);
    }
}
