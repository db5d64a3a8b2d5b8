package io.ret.server.comparison;

import java.util.HashSet;

import io.ret.api.v1.CellChange;
import io.ret.api.v1.ComparisonOptions;
import io.ret.api.v1.ComparisonSummary;
import io.ret.api.v1.FileComparison;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;

/** Comparison messages (ret.v1) to and from the diff engine's types. */
final class ComparisonProtos {
    private ComparisonProtos() {
    }

    /** Client options to engine options; every refusal names its field. */
    static DiffOptions options(ComparisonOptions o, long memoryBudget, java.nio.file.Path workDir) {
        for (String column : o.getKeyColumnsList()) {
            Validate.required("options.key_columns", column, 1024);
        }
        for (String column : o.getIgnoreColumnsList()) {
            Validate.required("options.ignore_columns", column, 1024);
        }
        if (o.getNumericTolerance() < 0 || Double.isNaN(o.getNumericTolerance()) || Double.isInfinite(o.getNumericTolerance())) {
            throw ApiException.invalid("options.numeric_tolerance", "must be a finite number, 0 or more");
        }
        try {
            return new DiffOptions(o.getKeyColumnsList(), new HashSet<>(o.getIgnoreColumnsList()), o.getTrimWhitespace(),
                    o.getIgnoreCase(), o.getNumericTolerance(), o.getOrdered(), o.getKeyless(), memoryBudget, workDir);
        } catch (IllegalArgumentException e) {
            // key columns combined with keyless/ordered, a repeated or ignored key column
            throw ApiException.invalid("options", e.getMessage());
        }
    }

    static FileMatch match(io.ret.api.v1.FileMatch m) {
        return m == io.ret.api.v1.FileMatch.FILE_MATCH_FILE_NAME ? FileMatch.FILE_NAME : FileMatch.RELATIVE_PATH;
    }

    static FileComparison file(FileDiff f) {
        return FileComparison.newBuilder()
                .setPath(f.path())
                .setStatus(switch (f.status()) {
                    case MATCHED -> io.ret.api.v1.FileStatus.FILE_STATUS_MATCHED;
                    case ADDED -> io.ret.api.v1.FileStatus.FILE_STATUS_ADDED;
                    case REMOVED -> io.ret.api.v1.FileStatus.FILE_STATUS_REMOVED;
                    case FAILED -> io.ret.api.v1.FileStatus.FILE_STATUS_FAILED;
                })
                .addAllKeyColumns(f.keyColumns())
                .setRowsLeft(f.rowsLeft())
                .setRowsRight(f.rowsRight())
                .setRowsAdded(f.added())
                .setRowsRemoved(f.removed())
                .setRowsModified(f.modified())
                .setRowsUnchanged(f.unchanged())
                .setSimilarity(f.similarity())
                .setColumnChanges(io.ret.api.v1.ColumnChanges.newBuilder()
                        .addAllAdded(f.columns().added())
                        .addAllRemoved(f.columns().removed())
                        .setReordered(f.columns().reordered()))
                .setError(f.error() == null ? "" : f.error())
                .addAllWarnings(f.warnings())
                .build();
    }

    static ComparisonSummary summary(DiffSummary s) {
        return ComparisonSummary.newBuilder()
                .setFilesTotal(s.filesTotal())
                .setFilesMatched(s.filesMatched())
                .setFilesAdded(s.filesAdded())
                .setFilesRemoved(s.filesRemoved())
                .setFilesFailed(s.filesFailed())
                .setRowsAdded(s.rowsAdded())
                .setRowsRemoved(s.rowsRemoved())
                .setRowsModified(s.rowsModified())
                .setRowsUnchanged(s.rowsUnchanged())
                .setAverageSimilarity(s.averageSimilarity())
                .build();
    }

    static io.ret.api.v1.RowDelta delta(RowDelta d) {
        io.ret.api.v1.RowDelta.Builder out = io.ret.api.v1.RowDelta.newBuilder()
                .setFile(d.file())
                .setChangeType(changeType(d.type()))
                .addAllKey(d.key())
                .setLeftRow(d.leftRow())
                .setRightRow(d.rightRow())
                .addAllBefore(d.before())
                .addAllAfter(d.after());
        for (io.ret.server.comparison.CellChange c : d.changes()) {
            out.addChanges(CellChange.newBuilder().setColumn(c.column()).setBefore(c.before()).setAfter(c.after()));
        }
        return out.build();
    }

    static RowDelta delta(io.ret.api.v1.RowDelta d) {
        return new RowDelta(d.getFile(), switch (d.getChangeType()) {
            case CHANGE_TYPE_ADDED -> ChangeType.ADDED;
            case CHANGE_TYPE_REMOVED -> ChangeType.REMOVED;
            default -> ChangeType.MODIFIED;
        }, d.getKeyList(), d.getLeftRow(), d.getRightRow(), d.getChangesList().stream()
                .map(c -> new io.ret.server.comparison.CellChange(c.getColumn(), c.getBefore(), c.getAfter())).toList(),
                d.getBeforeList(), d.getAfterList());
    }

    static io.ret.api.v1.ChangeType changeType(ChangeType type) {
        return switch (type) {
            case ADDED -> io.ret.api.v1.ChangeType.CHANGE_TYPE_ADDED;
            case REMOVED -> io.ret.api.v1.ChangeType.CHANGE_TYPE_REMOVED;
            case MODIFIED -> io.ret.api.v1.ChangeType.CHANGE_TYPE_MODIFIED;
        };
    }

    /** Null for UNSPECIFIED (no filter). */
    static ChangeType changeType(io.ret.api.v1.ChangeType type) {
        return switch (type) {
            case CHANGE_TYPE_ADDED -> ChangeType.ADDED;
            case CHANGE_TYPE_REMOVED -> ChangeType.REMOVED;
            case CHANGE_TYPE_MODIFIED -> ChangeType.MODIFIED;
            default -> null;
        };
    }
}
