package io.ret.server.conversion;

import java.util.Objects;

/**
 * How XML is flattened into CSV.
 *
 * @param recordElement            the element that makes one row of the main table: a name as
 *                                 it appears in column names ({@code order}, {@code ns:order}) or a
 *                                 path of them ({@code orders/order}); null to detect it per file
 * @param mode                     what becomes of repeated elements
 * @param joinSeparator            separator of joined values in {@link FlattenMode#JOIN_REPEATED}
 * @param qualifyWithNamespaceUri  name elements {@code {uri}local} instead of {@code prefix:local}
 */
public record ConversionOptions(String recordElement, FlattenMode mode, String joinSeparator,
        boolean qualifyWithNamespaceUri) {

    public ConversionOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(joinSeparator, "joinSeparator");
        if (joinSeparator.isEmpty() || joinSeparator.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("the join separator must be non-empty and free of '\\'");
        }
        if (recordElement != null && recordElement.isBlank()) {
            recordElement = null;
        }
    }

    /** Detected records, child tables, separator "|", prefixes as written. */
    public static ConversionOptions defaults() {
        return new ConversionOptions(null, FlattenMode.CHILD_TABLES, "|", false);
    }
}
