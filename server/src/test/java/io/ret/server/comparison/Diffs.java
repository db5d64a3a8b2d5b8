package io.ret.server.comparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: write small files and run the engine, collecting deltas. */
final class Diffs {
    /** A diff result and the deltas it streamed. */
    record Result(FileDiff file, List<RowDelta> deltas) {
        List<RowDelta> ofType(ChangeType type) {
            return deltas.stream().filter(d -> d.type() == type).toList();
        }
    }

    private Diffs() {
    }

    static Path write(Path dir, String name, String text) {
        return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result diff(Path dir, String left, String right, DiffOptions options) {
        return diff(write(dir, "left.csv", left), write(dir, "right.csv", right), options.withWorkDir(dir));
    }

    static Result diff(Path left, Path right, DiffOptions options) {
        List<RowDelta> deltas = new ArrayList<>();
        FileDiff file = CsvDiffEngine.diff(left, right, "t.csv", options, deltas::add, DiffProgress.NONE);
        return new Result(file, deltas);
    }

    static RowDelta modified(List<String> key, long leftRow, long rightRow, List<CellChange> changes,
                             List<String> before, List<String> after) {
        return new RowDelta("t.csv", ChangeType.MODIFIED, key, leftRow, rightRow, changes, before, after);
    }

    static RowDelta added(List<String> key, long rightRow, List<String> after) {
        return new RowDelta("t.csv", ChangeType.ADDED, key, 0, rightRow, List.of(), List.of(), after);
    }

    static RowDelta removed(List<String> key, long leftRow, List<String> before) {
        return new RowDelta("t.csv", ChangeType.REMOVED, key, leftRow, 0, List.of(), before, List.of());
    }
}
