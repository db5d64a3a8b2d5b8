package io.ret.server.comparison;

import java.util.List;

/**
 * The result for one file pair. {@code similarity} is unchanged / (unchanged + added + removed +
 * modified), 1.0 when both files have no rows. {@code keyColumns} is the key used (given or
 * detected), empty for keyless comparisons. {@code error} is non-null only for FAILED.
 */
public record FileDiff(String path, FileStatus status, List<String> keyColumns, long rowsLeft, long rowsRight,
                       long added, long removed, long modified, long unchanged, double similarity,
                       ColumnChanges columns, String error, List<String> warnings) {
    public FileDiff {
        keyColumns = List.copyOf(keyColumns);
        warnings = List.copyOf(warnings);
    }

    static FileDiff failed(String path, String error, List<String> warnings) {
        return new FileDiff(path, FileStatus.FAILED, List.of(), 0, 0, 0, 0, 0, 0, 0.0, ColumnChanges.NONE, error,
                warnings);
    }

    static double similarity(long unchanged, long added, long removed, long modified) {
        long total = unchanged + added + removed + modified;
        return total == 0 ? 1.0 : (double) unchanged / total;
    }
}
