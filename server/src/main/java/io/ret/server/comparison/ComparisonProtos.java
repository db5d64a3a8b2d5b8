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
        java.util.Map<String, java.util.List<String>> tableKeys = new java.util.HashMap<>();
        for (var table : o.getTableKeysMap().entrySet()) {
            Validate.required("options.table_keys", table.getKey(), 1024);
            if (table.getValue().getColumnsCount() == 0) {
                throw ApiException.invalid("options.table_keys", "table '" + table.getKey() + "' names no column");
            }
            for (String column : table.getValue().getColumnsList()) {
                Validate.required("options.table_keys", column, 1024);
            }
            tableKeys.put(table.getKey(), table.getValue().getColumnsList());
        }
        if (o.getNumericTolerance() < 0 || Double.isNaN(o.getNumericTolerance()) || Double.isInfinite(o.getNumericTolerance())) {
            throw ApiException.invalid("options.numeric_tolerance", "must be a finite number, 0 or more");
        }
        try {
            return new DiffOptions(o.getKeyColumnsList(), new HashSet<>(o.getIgnoreColumnsList()), o.getTrimWhitespace(),
                    o.getIgnoreCase(), o.getNumericTolerance(), o.getOrdered(), o.getKeyless(), memoryBudget, workDir,
                    tableKeys);
        } catch (IllegalArgumentException e) {
            // key columns combined with keyless/ordered, a repeated or ignored key column (also per table)
            throw ApiException.invalid("options", e.getMessage());
        }
    }

    /** Refuses a request whose table keys or layouts do not fit the two output trees. */
    static void refuseMismatch(java.nio.file.Path left, java.nio.file.Path right, FileMatch match, DiffOptions options) {
        TreeDiff.Mismatch mismatch;
        try {
            mismatch = TreeDiff.check(left, right, match, options);
        } catch (java.io.IOException e) {
            // the parser's message names server paths: say which side only
            throw ApiException.failedPrecondition("SCHEMA_UNREADABLE", (e.getMessage().startsWith("left") ? "the left"
                    : "the right") + " session's table schema (datapackage.json) cannot be read; convert it again");
        }
        switch (mismatch) {
            case null -> { }
            case TreeDiff.Mismatch.Layouts layouts -> throw ApiException.failedPrecondition("LAYOUTS_DIFFER",
                    layouts.message());
            case TreeDiff.Mismatch.UnknownTables unknown -> throw ApiException.invalid("options.table_keys",
                    "no table or file of either session is named " + String.join(", ", unknown.names()));
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

    /** How many failed files a summary names; {@code files_failed} counts them all. */
    static final int FAILED_FILES_LISTED = 100;

    static ComparisonSummary summary(DiffSummary s) {
        ComparisonSummary.Builder out = ComparisonSummary.newBuilder();
        s.files().stream().filter(f -> f.status() == FileStatus.FAILED).limit(FAILED_FILES_LISTED)
                .forEach(f -> out.addFailedFiles(io.ret.api.v1.FailedFile.newBuilder().setPath(f.path())
                        .setError(f.error() == null ? "" : f.error())));
        return out
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
