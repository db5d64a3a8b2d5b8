package io.ret.operator.reconcile;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.fabric8.kubernetes.api.model.Condition;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJobStatus;

/**
 * The status fields the operator owns. Sent as a JSON merge patch of the status subresource that
 * names only these fields, so the worker's progress, message, jobId and attempts are never touched.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorStatus(Phase phase, String startTime, String completionTime, List<Condition> conditions,
        Long observedGeneration) {

    public OperatorStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public static OperatorStatus of(RetJobStatus status) {
        if (status == null) {
            return new OperatorStatus(null, null, null, List.of(), null);
        }
        return new OperatorStatus(status.phase(), status.startTime(), status.completionTime(), status.conditionsOrEmpty(),
                status.observedGeneration());
    }

    /** The body of the merge patch: {@code {"status": {...operator fields...}}}. */
    Map<String, Object> asMergePatch() {
        return Map.of("status", this);
    }
}
