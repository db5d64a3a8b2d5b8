package io.ret.server.conversion.schema;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One converted table: what its rows are, how they are identified and how they hang
 * together. Comparison, SQL and chat read this; none of them guesses keys from names.
 *
 * @param name       unique within the conversion: the record type for merged tables
 *                   ({@code order}, {@code order.line}), file-qualified for per-file ones
 * @param path       the CSV file, relative to the output directory, '/'-separated
 * @param sourceFile per-file layout: the XML entry the table came from; merged: empty
 * @param recordPath the element path of the row element from the document element,
 *                   {@code /export/orders/order/line}
 * @param parent     the {@link #name} of the parent table; empty for a record table
 * @param primaryKey the natural key: for a child, {@link #parentKey} then its own key
 *                   column; empty when {@link #keySource} is NONE
 * @param parentKey  the columns holding the parent row's natural key, in the order of
 *                   the parent's {@link #primaryKey}; empty for a record table
 * @param keySource  where the key came from
 * @param rows       data rows (header not counted)
 * @param columns    every column of the CSV header, in order
 */
public record TableSchema(String name, String path, String sourceFile, String recordPath, String parent,
        List<String> primaryKey, List<String> parentKey, KeySource keySource, long rows, List<ColumnSchema> columns) {

    public TableSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        sourceFile = sourceFile == null ? "" : sourceFile;
        Objects.requireNonNull(recordPath, "recordPath");
        parent = parent == null ? "" : parent;
        primaryKey = List.copyOf(primaryKey);
        parentKey = List.copyOf(parentKey);
        Objects.requireNonNull(keySource, "keySource");
        columns = List.copyOf(columns);
    }

    public boolean isChild() {
        return !parent.isEmpty();
    }

    public Optional<ColumnSchema> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /** The columns a comparison compares: data columns outside the key. */
    public List<String> comparedColumns() {
        return columns.stream().filter(ColumnSchema::isData).map(ColumnSchema::name)
                .filter(n -> !primaryKey.contains(n)).toList();
    }

    /** Columns that are never compared nor offered as keys (surrogates and provenance). */
    public List<String> systemColumns() {
        return columns.stream()
                .filter(c -> c.role() == ColumnRole.SURROGATE || c.role() == ColumnRole.PROVENANCE)
                .map(ColumnSchema::name).toList();
    }
}
