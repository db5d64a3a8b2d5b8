package io.ret.operator.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The conversion options of the gRPC API ({@code ret.v1.ConversionOptions}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConversionOptions(
        @Size(max = 512)
        @JsonPropertyDescription("Local name or path from the root (orders/order) of the record element; detected over the whole archive when absent.")
        String recordElement,
        @JsonPropertyDescription("child-tables (default): repeated structures become child tables; join-repeated: repeated leaf values are joined in one cell.")
        FlattenMode mode,
        @Size(max = 16)
        @JsonPropertyDescription("Separator for join-repeated (default |).")
        String joinSeparator,
        @JsonPropertyDescription("Column names use {uri} forms instead of the prefixes written in the document.")
        Boolean qualifyWithNamespaceUri,
        @JsonPropertyDescription("merged (default): one set of tables per record type for the whole archive, rows naming their _file and _line; per-file: one set of tables per XML file.")
        Layout layout,
        @JsonPropertyDescription("Keep element text exactly as written; by default the whitespace around it is trimmed (attribute values and CDATA never are).")
        Boolean keepWhitespace,
        @Size(max = 256)
        @JsonPropertyDescription("Natural keys given by the user: table name (order, order.line) or record path (/orders/order) to the table's own key columns; each must be non-empty and unique, else the job fails.")
        Map<String, List<String>> keyColumns,
        @Pattern(RetJobValidation.ID)
        @JsonPropertyDescription("A converted session of the same owner whose layout (tables, columns and their order, record element) this conversion keeps.")
        String layoutFromSessionId) {

    public enum FlattenMode {
        @JsonProperty("child-tables") CHILD_TABLES,
        @JsonProperty("join-repeated") JOIN_REPEATED
    }

    public enum Layout {
        @JsonProperty("merged") MERGED,
        @JsonProperty("per-file") PER_FILE
    }
}
