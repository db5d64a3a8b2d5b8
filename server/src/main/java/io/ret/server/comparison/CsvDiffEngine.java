package io.ret.server.comparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Exact row-level comparison of two CSV files (see docs/comparison.md).
 *
 * <p>Both files are scanned at once, one thread each, into 32-byte row records (row number,
 * offset, key hash, row hash); past the memory budget the records go to disk partitioned by key
 * hash. The records are joined by key (or aligned by position in ordered mode), and only rows
 * whose hashes differ are read again to find the changed cells. Bad input fails the file with a
 * message; it never throws, except {@link DiffCancelledException}.
 */
public final class CsvDiffEngine {
    private CsvDiffEngine() {
    }

    public static FileDiff diff(Path left, Path right, String path, DiffOptions options, DeltaSink sink,
                                DiffProgress progress) {
        return diff(left, right, path, options, TableKey.of(options), sink, progress);
    }

    /** Compares one pair keyed as {@code key} says, whatever the options' key settings. */
    static FileDiff diff(Path left, Path right, String path, DiffOptions options, TableKey key, DeltaSink sink,
                         DiffProgress progress) {
        List<String> warnings = new ArrayList<>();
        Checkpoint checkpoint = new Checkpoint(progress);
        checkpoint.check();
        CsvSource leftSource = null;
        CsvSource rightSource = null;
        try {
            leftSource = open(left, "left", options);
            rightSource = open(right, "right", options);
            note("left", leftSource, warnings);
            note("right", rightSource, warnings);
            return compare(leftSource, rightSource, path, options, key, sink, checkpoint, warnings);
        } catch (BadInputException e) {
            return FileDiff.failed(path, e.getMessage(), warnings);
        } catch (IOException e) {
            return FileDiff.failed(path, "cannot read: " + describe(e), warnings);
        } catch (UncheckedIOException e) {
            return FileDiff.failed(path, "cannot read: " + describe(e.getCause()), warnings);
        } finally {
            closeQuietly(leftSource);
            closeQuietly(rightSource);
        }
    }

    /** Data rows of one file (blank lines not counted), for files present on one side only. */
    static long countRows(Path file, DiffOptions options, DiffProgress progress) {
        try (CsvSource source = open(file, "file", options)) {
            if (source.empty()) {
                return 0;
            }
            ColumnPlan.Side layout = ColumnPlan.Side.of(source.header(), List.of(), List.of());
            return new RowScanner(source, layout, 0, 0, options, new Checkpoint(progress))
                    .scan((rowNo, offset, keyHash, rowHash) -> { }).rows();
        } catch (IOException e) {
            throw new BadInputException("cannot read: " + describe(e));
        }
    }

    private static FileDiff compare(CsvSource left, CsvSource right, String path, DiffOptions options,
                                    TableKey key, DeltaSink sink, Checkpoint checkpoint, List<String> warnings) throws IOException {
        if (left.empty() && right.empty()) {
            warnings.add("both files are empty");
            sink.beginFile(path, List.of(), List.of());
            return new FileDiff(path, FileStatus.MATCHED, List.of(), 0, 0, 0, 0, 0, 0, 1.0, ColumnChanges.NONE, null,
                    warnings);
        }
        if (left.empty() || right.empty()) {
            warnings.add((left.empty() ? "left" : "right") + ": the file is empty (no header); every row of the other"
                    + " side counts as " + (left.empty() ? "added" : "removed"));
        }
        // an empty side takes the other's header, so the plan compares its zero rows on those columns
        List<String> leftHeader = left.empty() ? right.header() : left.header();
        List<String> rightHeader = right.empty() ? left.header() : right.header();
        ColumnPlan plan = ColumnPlan.of(leftHeader, rightHeader, options, key, warnings);
        ColumnChanges columns = ColumnPlan.changes(left.header(), right.header());

        MemoryBudget budget = new MemoryBudget(options.memoryBudgetBytes());
        long leftBytes = Files.size(left.data());
        long rightBytes = Files.size(right.data());
        SideStore.Plan storePlan = new SideStore.Plan(leftBytes, rightBytes, budget, options.workDir(),
                options.ordered());
        String refusal = options.ordered() ? "ordered comparison needs more than the memory budget of "
                + (budget.limit() >> 20) + " MB; raise the budget or compare without ordering" : null;
        try (SideStore leftRows = new SideStore(budget, storePlan, left.dataStart(), leftBytes, refusal);
             SideStore rightRows = new SideStore(budget, storePlan, right.dataStart(), rightBytes, refusal);
             RowReader leftReader = new RowReader(left);
             RowReader rightReader = new RowReader(right)) {
            RowScanner.Stats[] stats = scanBoth(
                    () -> scan("left", left, plan.left(), plan, options, checkpoint, leftRows),
                    () -> scan("right", right, plan.right(), plan, options, checkpoint, rightRows),
                    checkpoint);
            if (leftRows.spilled() != rightRows.spilled()) {
                SideStore inMemory = leftRows.spilled() ? rightRows : leftRows;
                inMemory.spillTo(storePlan.partitions());
                inMemory.finish();
            }
            raggedWarning("left", stats[0], plan.left().headerSize(), warnings);
            raggedWarning("right", stats[1], plan.right().headerSize(), warnings);

            ColumnPlan used = plan;
            if (plan.keyMayFallBack()) {
                String problem = keyProblem(stats, leftRows, rightRows);
                if (problem != null) {
                    warnings.add("no key used: " + describeKey(plan.keyColumns()) + " " + problem
                            + "; rows are compared as a multiset");
                    used = plan.withoutKey();
                    leftRows.keyByRowHash();
                    rightRows.keyByRowHash();
                }
            }

            sink.beginFile(path, left.header(), right.header());
            DeltaEmitter emitter = new DeltaEmitter(path, used, new Normalizer(options), leftReader, rightReader, sink);
            join(leftRows, rightRows, options.ordered(), emitter, checkpoint);
            warnings.addAll(emitter.duplicateWarnings());
            return new FileDiff(path, FileStatus.MATCHED, used.keyColumns(), stats[0].rows(), stats[1].rows(),
                    emitter.added, emitter.removed, emitter.modified, emitter.unchanged,
                    FileDiff.similarity(emitter.unchanged, emitter.added, emitter.removed, emitter.modified), columns,
                    null, warnings);
        }
    }

    /** Pairs the rows: aligned in order, joined in memory, or joined spill partition by partition. */
    private static void join(SideStore leftRows, SideStore rightRows, boolean ordered, JoinListener emitter,
                             Checkpoint checkpoint) throws IOException {
        if (ordered) {
            OrderedAligner.align(leftRows.memory().part(0), rightRows.memory().part(0), emitter, checkpoint);
        } else if (!leftRows.spilled()) {
            // the side with fewer rows may not have sized its buckets: split it like the other
            Buckets larger = leftRows.memory().rows() >= rightRows.memory().rows() ? leftRows.memory() : null;
            Buckets right = rightRows.memory(larger);
            KeyJoin.join(leftRows.memory(right), right, emitter, checkpoint);
        } else {
            SpillFile l = leftRows.spill();
            SpillFile r = rightRows.spill();
            Buckets leftPartition = null;
            Buckets rightPartition = null;
            for (int p = 0; p < l.partitions(); p++) {
                int bits = Buckets.bitsFor(Math.max(l.rows(p), r.rows(p)));
                leftPartition = l.read(p, bits, leftPartition);
                rightPartition = r.read(p, bits, rightPartition);
                KeyJoin.join(leftPartition, rightPartition, emitter, checkpoint);
            }
        }
    }

    private static RowScanner.Stats scan(String side, CsvSource source, ColumnPlan.Side layout, ColumnPlan plan,
                                         DiffOptions options, Checkpoint checkpoint, SideStore store)
            throws IOException {
        try {
            RowScanner.Stats stats = source.empty() ? new RowScanner.Stats(0, 0, 0, 0, 0, 0)
                    : new RowScanner(source, layout, plan.compared().size(), plan.keyColumns().size(), options,
                            checkpoint).scan(store);
            store.finish();
            return stats;
        } catch (BadInputException e) {
            throw new BadInputException(side + ": " + e.getMessage());
        }
    }

    private static String describeKey(List<String> columns) {
        return columns.size() == 1 ? "column '" + columns.getFirst() + "'"
                : "key (" + String.join(", ", columns) + ")";
    }

    /** Why a detected or natural key cannot serve as the key, or null if it can. */
    private static String keyProblem(RowScanner.Stats[] stats, SideStore left, SideStore right) throws IOException {
        String[] sides = {"left", "right"};
        for (int i = 0; i < 2; i++) {
            if (stats[i].emptyKeyRows() > 0) {
                return "is empty in " + sides[i] + " data row " + stats[i].firstEmptyKeyRow();
            }
        }
        SideStore[] stores = {left, right};
        for (int i = 0; i < 2; i++) {
            if (stores[i].duplicateKeys() > 0) {
                return "has repeated values on the " + sides[i];
            }
        }
        return null;
    }

    /** Runs the left scan on a second thread and the right one here; the first real failure wins. */
    private static RowScanner.Stats[] scanBoth(Callable<RowScanner.Stats> left, Callable<RowScanner.Stats> right,
                                               Checkpoint checkpoint) throws IOException {
        FutureTask<RowScanner.Stats> leftTask = new FutureTask<>(stopOnFailure(left, checkpoint));
        Thread thread = Thread.ofPlatform().name("ret-diff-scan").daemon().start(leftTask);
        RowScanner.Stats rightStats = null;
        Throwable rightFailure = null;
        try {
            rightStats = stopOnFailure(right, checkpoint).call();
        } catch (Throwable t) {
            rightFailure = t;
        }
        RowScanner.Stats leftStats = null;
        Throwable leftFailure = null;
        try {
            leftStats = leftTask.get();
        } catch (ExecutionException e) {
            leftFailure = e.getCause();
        } catch (InterruptedException e) {
            checkpoint.stop();
            joinQuietly(thread);
            Thread.currentThread().interrupt();
            throw new DiffCancelledException();
        }
        Throwable failure = leftFailure == null || leftFailure instanceof DiffCancelledException && rightFailure != null
                ? rightFailure : leftFailure;
        if (failure instanceof IOException e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return new RowScanner.Stats[] {leftStats, rightStats};
    }

    private static <T> Callable<T> stopOnFailure(Callable<T> task, Checkpoint checkpoint) {
        return () -> {
            try {
                return task.call();
            } catch (Throwable t) {
                checkpoint.stop();
                throw t;
            }
        };
    }

    private static CsvSource open(Path file, String side, DiffOptions options) throws IOException {
        try {
            return CsvSource.open(file, options.workDir());
        } catch (BadInputException e) {
            throw new BadInputException(side + ": " + e.getMessage());
        } catch (IOException e) {
            throw new BadInputException(side + ": cannot read " + file + ": " + describe(e));
        }
    }

    private static void note(String side, CsvSource source, List<String> warnings) {
        if (!source.empty() && (!source.encoding().equals("UTF-8") || source.delimiter() != ',')) {
            warnings.add(side + ": read as " + source.encoding() + " with delimiter "
                    + CsvSource.describe(source.delimiter()));
        }
    }

    private static void raggedWarning(String side, RowScanner.Stats stats, int headerSize, List<String> warnings) {
        if (stats.raggedRows() > 0) {
            warnings.add(side + ": " + stats.raggedRows() + " row(s) do not have the header's " + headerSize
                    + " cells (first: data row " + stats.firstRaggedRow() + " has " + stats.firstRaggedCells()
                    + "); missing cells read as empty, cells beyond the header are not compared");
        }
    }

    private static String describe(IOException e) {
        return e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void closeQuietly(CsvSource source) {
        if (source != null) {
            try {
                source.close();
            } catch (IOException ignored) {
                // a temporary file we could not delete is not the caller's failure
            }
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
