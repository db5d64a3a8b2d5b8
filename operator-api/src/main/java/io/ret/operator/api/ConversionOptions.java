package io.ret.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;

/** The conversion options of the gRPC API ({@code ret.v1.ConversionOptions}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversionOptions(
        @Size(max = 512)
        @JsonPropertyDescription("Local name or path from the root (orders/order) of the record element; detected per file when absent.")
        String recordElement,
        @JsonPropertyDescription("child-tables (default): repeated structures become child tables; join-repeated: repeated leaf values are joined in one cell.")
        FlattenMode mode,
        @Size(max = 16)
        @JsonPropertyDescription("Separator for join-repeated (default |).")
        String joinSeparator,
        @JsonPropertyDescription("Column names use {uri} forms instead of the prefixes written in the document.")
        Boolean qualifyWithNamespaceUri) {

    public enum FlattenMode {
        @JsonProperty("child-tables") CHILD_TABLES,
        @JsonProperty("join-repeated") JOIN_REPEATED
    }
}
