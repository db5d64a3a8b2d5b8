package io.ret.operator.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The indexing options of the gRPC API ({@code ret.v1.IndexingOptions}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexOptions(
        @Min(100) @Max(100000)
        @JsonPropertyDescription("Upper bound of a chunk in characters, header included (default 800).")
        Integer maxChunkChars,
        @JsonPropertyDescription("Only these output paths; all when absent or empty.")
        List<String> files) {
}
