package io.ret.server.comparison;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to compare a pair of CSV files.
 *
 * @param keyColumns        key columns; empty: detect a key unless {@code keyless} or {@code ordered}
 * @param ignoreColumns     columns left out of equality (still reported in before/after)
 * @param trimWhitespace    ignore leading/trailing ASCII whitespace (space, TAB, CR, LF, FF, VT)
 * @param ignoreCase        compare case-insensitively (Unicode simple case folding)
 * @param numericTolerance  values that both parse as decimal numbers and differ by at most this
 *                          much are equal; 0 compares text exactly
 * @param ordered           align rows by position (LCS-like, see docs/comparison.md); keyless only
 * @param keyless           never detect a key; compare rows as multisets
 * @param memoryBudgetBytes memory for the engine's row index; past it both sides spill to disk
 * @param workDir           where spill and transcoding files go
 * @param tableKeys         per table (a conversion's table name or record path) or file (relative
 *                          path): its key columns, over {@code keyColumns} and any schema key
 */
public record DiffOptions(List<String> keyColumns, Set<String> ignoreColumns, boolean trimWhitespace,
                          boolean ignoreCase, double numericTolerance, boolean ordered, boolean keyless,
                          long memoryBudgetBytes, Path workDir, Map<String, List<String>> tableKeys) {
    public static final long DEFAULT_MEMORY_BUDGET = 256L << 20;

    public DiffOptions {
        keyColumns = List.copyOf(keyColumns);
        ignoreColumns = Set.copyOf(ignoreColumns);
        if (!(numericTolerance >= 0) || Double.isInfinite(numericTolerance)) {
            throw new IllegalArgumentException("numeric tolerance must be a finite number >= 0: " + numericTolerance);
        }
        if (memoryBudgetBytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive: " + memoryBudgetBytes);
        }
        if (!keyColumns.isEmpty() && (keyless || ordered)) {
            throw new IllegalArgumentException("key columns cannot be combined with keyless or ordered comparison");
        }
        if (Set.copyOf(keyColumns).size() != keyColumns.size()) {
            throw new IllegalArgumentException("key columns repeat a column: " + keyColumns);
        }
        for (String key : keyColumns) {
            if (ignoreColumns.contains(key)) {
                throw new IllegalArgumentException("key column '" + key + "' is also ignored");
            }
        }
        tableKeys = tableKeys == null ? Map.of() : tableKeys.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
        if (!tableKeys.isEmpty() && (keyless || ordered)) {
            throw new IllegalArgumentException("table keys cannot be combined with keyless or ordered comparison");
        }
        for (Map.Entry<String, List<String>> table : tableKeys.entrySet()) {
            List<String> columns = List.copyOf(table.getValue());
            if (columns.isEmpty() || Set.copyOf(columns).size() != columns.size()) {
                throw new IllegalArgumentException("the key of table '" + table.getKey()
                        + "' must name at least one column, none twice: " + columns);
            }
            for (String key : columns) {
                if (ignoreColumns.contains(key)) {
                    throw new IllegalArgumentException("key column '" + key + "' of table '" + table.getKey()
                            + "' is also ignored");
                }
            }
        }
        if (workDir == null) {
            workDir = Path.of(System.getProperty("java.io.tmpdir"));
        }
    }

    public static DiffOptions defaults() {
        return new DiffOptions(List.of(), Set.of(), false, false, 0.0, false, false, DEFAULT_MEMORY_BUDGET, null,
                Map.of());
    }

    public DiffOptions withKeyColumns(List<String> columns) {
        return new DiffOptions(columns, ignoreColumns, trimWhitespace, ignoreCase, numericTolerance, ordered, keyless,
                memoryBudgetBytes, workDir, tableKeys);
    }

    public DiffOptions withIgnoreColumns(Set<String> columns) {
        return new DiffOptions(keyColumns, columns, trimWhitespace, ignoreCase, numericTolerance, ordered, keyless,
                memoryBudgetBytes, workDir, tableKeys);
    }

    public DiffOptions withTrimWhitespace(boolean trim) {
        return new DiffOptions(keyColumns, ignoreColumns, trim, ignoreCase, numericTolerance, ordered, keyless,
                memoryBudgetBytes, workDir, tableKeys);
    }

    public DiffOptions withIgnoreCase(boolean ignore) {
        return new DiffOptions(keyColumns, ignoreColumns, trimWhitespace, ignore, numericTolerance, ordered, keyless,
                memoryBudgetBytes, workDir, tableKeys);
    }

    public DiffOptions withNumericTolerance(double tolerance) {
        return new DiffOptions(keyColumns, ignoreColumns, trimWhitespace, ignoreCase, tolerance, ordered, keyless,
                memoryBudgetBytes, workDir, tableKeys);
    }

    public DiffOptions withOrdered(boolean rowOrder) {
        return new DiffOptions(keyColumns, ignoreColumns, trimWhitespace, ignoreCase, numericTolerance, rowOrder,
                keyless, memoryBudgetBytes, workDir, tableKeys);
    }

    public DiffOptions withKeyless(boolean noKey) {
        return new DiffOptions(keyColumns, ignoreColumns, trimWhitespace, ignoreCase, numericTolerance, ordered, noKey,
                memoryBudgetBytes, workDir, tableKeys);
    }

    public DiffOptions withMemoryBudgetBytes(long bytes) {
        return new DiffOptions(keyColumns, ignoreColumns, trimWhitespace, ignoreCase, numericTolerance, ordered,
                keyless, bytes, workDir, tableKeys);
    }

    public DiffOptions withWorkDir(Path dir) {
        return new DiffOptions(keyColumns, ignoreColumns, trimWhitespace, ignoreCase, numericTolerance, ordered,
                keyless, memoryBudgetBytes, dir, tableKeys);
    }

    public DiffOptions withTableKeys(Map<String, List<String>> keys) {
        return new DiffOptions(keyColumns, ignoreColumns, trimWhitespace, ignoreCase, numericTolerance, ordered,
                keyless, memoryBudgetBytes, workDir, keys);
    }
}
