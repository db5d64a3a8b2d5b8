package io.ret.server.conversion;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.Layout;

/**
 * How XML is flattened into CSV.
 *
 * @param recordElement            the element that makes one row of the main table: a name as
 *                                 it appears in column names ({@code order}, {@code ns:order}) or a
 *                                 path of them ({@code orders/order}); null to detect it over the archive
 * @param mode                     what becomes of repeated elements
 * @param joinSeparator            separator of joined values in {@link FlattenMode#JOIN_REPEATED}
 * @param qualifyWithNamespaceUri  name elements {@code {uri}local} instead of {@code prefix:local}
 * @param layout                   one set of tables for the archive (merged) or one per XML file
 * @param keepWhitespace           keep element text exactly as written; by default its surrounding
 *                                 whitespace is trimmed (attribute values and CDATA never are)
 * @param keyColumns               natural keys given by the user: table name or record path
 *                                 ({@code order}, {@code /orders/order}) to the table's own key columns
 * @param previousLayout           the schema of an earlier conversion whose tables and columns this
 *                                 one keeps (new columns are appended); null for none
 */
public record ConversionOptions(String recordElement, FlattenMode mode, String joinSeparator,
        boolean qualifyWithNamespaceUri, Layout layout, boolean keepWhitespace, Map<String, List<String>> keyColumns,
        DataPackage previousLayout) {

    public ConversionOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(joinSeparator, "joinSeparator");
        Objects.requireNonNull(layout, "layout");
        if (joinSeparator.isEmpty() || joinSeparator.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("the join separator must be non-empty and free of '\\'");
        }
        if (recordElement != null && recordElement.isBlank()) {
            recordElement = null;
        }
        keyColumns = keyColumns == null ? Map.of() : Map.copyOf(keyColumns);
    }

    /** Merged layout, trimmed text, detected keys. */
    public ConversionOptions(String recordElement, FlattenMode mode, String joinSeparator,
            boolean qualifyWithNamespaceUri) {
        this(recordElement, mode, joinSeparator, qualifyWithNamespaceUri, Layout.MERGED, false, Map.of(), null);
    }

    /** Detected records, child tables, separator "|", prefixes as written, merged, trimmed. */
    public static ConversionOptions defaults() {
        return new ConversionOptions(null, FlattenMode.CHILD_TABLES, "|", false);
    }

    public ConversionOptions withLayout(Layout newLayout) {
        return new ConversionOptions(recordElement, mode, joinSeparator, qualifyWithNamespaceUri, newLayout,
                keepWhitespace, keyColumns, previousLayout);
    }

    public ConversionOptions withKeepWhitespace(boolean keep) {
        return new ConversionOptions(recordElement, mode, joinSeparator, qualifyWithNamespaceUri, layout, keep,
                keyColumns, previousLayout);
    }

    public ConversionOptions withKeyColumns(Map<String, List<String>> keys) {
        return new ConversionOptions(recordElement, mode, joinSeparator, qualifyWithNamespaceUri, layout,
                keepWhitespace, keys, previousLayout);
    }

    public ConversionOptions withPreviousLayout(DataPackage previous) {
        return new ConversionOptions(recordElement, mode, joinSeparator, qualifyWithNamespaceUri, layout,
                keepWhitespace, keyColumns, previous);
    }
}
