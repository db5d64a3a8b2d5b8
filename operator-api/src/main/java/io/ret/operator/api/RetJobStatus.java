package io.ret.operator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Observed state. The worker writes {@code progress}, {@code message}, {@code jobId},
 * {@code attempts} and {@code outcome}; the operator writes every other field (see
 * {@code StatusPatch}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetJobStatus(
        @JsonPropertyDescription("Pending, Running, Succeeded, Failed or Cancelled (operator).")
        Phase phase,
        @Min(0) @Max(100)
        @JsonPropertyDescription("0-100 (worker).")
        Integer progress,
        @JsonPropertyDescription("What the worker is doing now, for people (worker).")
        String message,
        @JsonPropertyDescription("RET job id the worker runs (worker).")
        String jobId,
        @Min(0)
        @JsonPropertyDescription("Worker runs started so far (worker).")
        Integer attempts,
        @JsonPropertyDescription("How the job ended, as its worker recorded it: Succeeded, Failed or Cancelled (worker)."
                + " A cancel that comes after a Succeeded outcome changes nothing.")
        Phase outcome,
        @JsonPropertyDescription("When the worker Job was created (operator).")
        String startTime,
        @JsonPropertyDescription("When the job reached Succeeded, Failed or Cancelled (operator).")
        String completionTime,
        @JsonPropertyDescription("Scheduled, PodPending and Succeeded, with reasons (operator).")
        List<Condition> conditions,
        @JsonPropertyDescription("metadata.generation the operator last acted on (operator).")
        Long observedGeneration) {

    /** The condition that says how the job ended (Unknown while it runs), with the operator's reason and message. */
    public static final String SUCCEEDED_CONDITION = "Succeeded";

    /** The {@value #SUCCEEDED_CONDITION} condition, if the operator has written one. */
    public java.util.Optional<Condition> outcomeCondition() {
        return conditionsOrEmpty().stream().filter(c -> SUCCEEDED_CONDITION.equals(c.getType())).findFirst();
    }

    public List<Condition> conditionsOrEmpty() {
        return conditions == null ? List.of() : conditions;
    }
}
