package io.ret.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexJobSpec(
        @Required @Size(min = 1, max = 128) @Pattern(RetJobValidation.ID)
        @JsonPropertyDescription("Upload session whose CSV outputs are indexed.")
        String sessionId,
        @Required @Pattern(RetJobValidation.USERNAME)
        @JsonPropertyDescription("RET username the job runs for; it owns the job.")
        String owner,
        @Required @Size(min = 1, max = 256)
        @JsonPropertyDescription("Retrieval collection (id or name) the chunks go into.")
        String collection,
        @JsonPropertyDescription("How outputs are chunked; every field optional.")
        IndexOptions options,
        @Min(RetJobValidation.MIN_PRIORITY) @Max(RetJobValidation.MAX_PRIORITY)
        @JsonPropertyDescription("Higher starts first among jobs waiting for a worker slot (default 0).")
        Integer priority,
        @Min(0) @Default("1")
        @JsonPropertyDescription("Worker runs retried after a failed one (the Job's backoffLimit).")
        Integer retries,
        @Min(1)
        @JsonPropertyDescription("Seconds the worker may run, retries included, before it is stopped and the job fails.")
        Integer deadlineSeconds,
        @Min(0)
        @JsonPropertyDescription("Seconds after the job finished before this resource and its worker Job are deleted.")
        Integer ttlSecondsAfterFinished,
        @JsonPropertyDescription("Worker container resources; the operator's default when absent.")
        ResourceRequirements resources,
        @Default("false")
        @JsonPropertyDescription("Set to true to stop the worker; the job ends Cancelled.")
        Boolean cancel,
        @Pattern(RetJobValidation.ID)
        @JsonPropertyDescription("RET job id, set by the RET server when it created this resource; empty when applied with kubectl.")
        String jobId,
        @Min(1) @Max(IndexJobSpec.MAX_PARALLELISM) @Default("1")
        @JsonPropertyDescription("Worker pods that index at once, each a disjoint shard of the chunks (an Indexed Job);"
                + " the job succeeds when every shard has.")
        Integer parallelism) implements RetJobSpec {

    /** The most shards one IndexJob may be split into. */
    public static final int MAX_PARALLELISM = 32;

    @Override
    public int parallelismOrDefault() {
        return parallelism == null ? 1 : parallelism;
    }
}
