package io.ret.server.comparison;

import java.util.List;

/**
 * Totals over the files of a tree comparison. {@code averageSimilarity} is the mean of
 * {@link FileDiff#similarity()} over the files that did not fail (a file on one side only counts
 * 0.0), 1.0 when there is none.
 */
public record DiffSummary(int filesTotal, int filesMatched, int filesAdded, int filesRemoved, int filesFailed,
                          long rowsAdded, long rowsRemoved, long rowsModified, long rowsUnchanged,
                          double averageSimilarity, List<FileDiff> files) {
    public DiffSummary {
        files = List.copyOf(files);
    }

    public static DiffSummary of(List<FileDiff> files) {
        int matched = 0, added = 0, removed = 0, failed = 0;
        long rowsAdded = 0, rowsRemoved = 0, rowsModified = 0, rowsUnchanged = 0;
        double similaritySum = 0;
        for (FileDiff f : files) {
            switch (f.status()) {
                case MATCHED -> matched++;
                case ADDED -> added++;
                case REMOVED -> removed++;
                case FAILED -> failed++;
            }
            if (f.status() != FileStatus.FAILED) {
                similaritySum += f.similarity();
            }
            rowsAdded += f.added();
            rowsRemoved += f.removed();
            rowsModified += f.modified();
            rowsUnchanged += f.unchanged();
        }
        int counted = files.size() - failed;
        double average = counted == 0 ? 1.0 : similaritySum / counted;
        return new DiffSummary(files.size(), matched, added, removed, failed, rowsAdded, rowsRemoved, rowsModified,
                rowsUnchanged, average, files);
    }
}
