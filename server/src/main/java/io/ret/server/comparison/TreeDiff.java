package io.ret.server.comparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.ret.server.conversion.schema.DataPackage;

/**
 * Compares two files, or two directory trees file by file. Two conversion outputs that both hold
 * a {@code datapackage.json} are compared table by table as their schemas say ({@link SchemaDiff}).
 * Other trees are paired by relative path (with '/' separators) or by file name; hidden files and
 * directories (name starting with '.') and a top-level {@code datapackage.json} are skipped. A
 * file on one side only is reported ADDED or REMOVED with its row count and no row deltas. Files
 * are compared one after another, in path order.
 */
public final class TreeDiff {
    private TreeDiff() {
    }

    /**
     * @throws IOException when a root cannot be listed or a schema cannot be read
     * @throws IllegalArgumentException when one root is a file and the other a directory, or two
     *                                  schemas have different layouts
     */
    public static DiffSummary diff(Path left, Path right, FileMatch match, DiffOptions options, DeltaSink sink,
                                   DiffProgress progress) throws IOException {
        boolean leftIsDir = Files.isDirectory(left);
        boolean rightIsDir = Files.isDirectory(right);
        if (leftIsDir != rightIsDir) {
            throw new IllegalArgumentException("compare a file with a file or a directory with a directory: "
                    + left + (leftIsDir ? " is a directory, " : " is a file, ") + right
                    + (rightIsDir ? " is a directory" : " is a file"));
        }
        if (!leftIsDir) {
            String name = right.getFileName() == null ? right.toString() : right.getFileName().toString();
            return DiffSummary.of(List.of(reported(CsvDiffEngine.diff(left, right, name, options,
                    given(options, name, TableKey.of(options)), sink, progress), sink)));
        }
        if (DataPackage.exists(left) && DataPackage.exists(right)) {
            return SchemaDiff.diff(left, schema(left, "left"), right, schema(right, "right"), match, options, sink,
                    progress);
        }
        Map<String, List<Path>> leftFiles = index(left, match);
        Map<String, List<Path>> rightFiles = index(right, match);
        List<FileDiff> files = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(union(leftFiles, rightFiles));
        progress.filesDone(0, names.size());
        for (String name : names) {
            if (progress.cancelled()) {
                throw new DiffCancelledException();
            }
            List<Path> l = leftFiles.getOrDefault(name, List.of());
            List<Path> r = rightFiles.getOrDefault(name, List.of());
            if (l.size() > 1 || r.size() > 1) {
                files.add(reported(FileDiff.failed(name, "ambiguous file name: " + describe("left", left, l) + "; "
                        + describe("right", right, r), List.of()), sink));
            } else if (r.isEmpty()) {
                files.add(oneSided(name, l.getFirst(), FileStatus.REMOVED, options, progress));
            } else if (l.isEmpty()) {
                files.add(oneSided(name, r.getFirst(), FileStatus.ADDED, options, progress));
            } else {
                // a key given for the whole tree does not fail the files that have none of its columns
                TableKey key = options.keyColumns().isEmpty() ? TableKey.of(options)
                        : new TableKey.Preferred(options.keyColumns(), new TableKey.Detect());
                files.add(reported(CsvDiffEngine.diff(l.getFirst(), r.getFirst(), name, options,
                        given(options, name, key), sink, progress), sink));
            }
            progress.filesDone(files.size(), names.size());
        }
        return DiffSummary.of(files);
    }

    /** Tells the sink about a failed file; returns it. */
    static FileDiff reported(FileDiff file, DeltaSink sink) {
        if (file.status() == FileStatus.FAILED) {
            sink.failedFile(file.path(), file.error());
        }
        return file;
    }

    /** What a request for two output trees refers to that they do not hold. */
    sealed interface Mismatch {
        /** Two conversions with different layouts (merged, per-file). */
        record Layouts(String message) implements Mismatch {
        }

        /** Per-table keys for tables (or files) neither side has. */
        record UnknownTables(List<String> names) implements Mismatch {
        }
    }

    /**
     * Checks, before a comparison runs, that two conversion outputs can be compared table by table
     * and that every per-table key names a table (or, without schemas, a file) of either side.
     *
     * @return the first mismatch, or null
     * @throws IOException when a schema cannot be read
     */
    public static Mismatch check(Path left, Path right, FileMatch match, DiffOptions options) throws IOException {
        if (DataPackage.exists(left) && DataPackage.exists(right)) {
            DataPackage leftSchema = schema(left, "left");
            DataPackage rightSchema = schema(right, "right");
            if (leftSchema.layout() != rightSchema.layout()) {
                return new Mismatch.Layouts(SchemaDiff.layoutsDiffer(leftSchema, rightSchema));
            }
            List<String> unknown = SchemaDiff.unknownTables(leftSchema, rightSchema, options.tableKeys().keySet());
            return unknown.isEmpty() ? null : new Mismatch.UnknownTables(unknown);
        }
        if (match == FileMatch.FILE_NAME) {
            return null; // names are matched wherever they sit: checked as the files are paired
        }
        List<String> unknown = options.tableKeys().keySet().stream()
                .filter(name -> !isFileUnder(left, name) && !isFileUnder(right, name)).sorted().toList();
        return unknown.isEmpty() ? null : new Mismatch.UnknownTables(unknown);
    }

    private static boolean isFileUnder(Path root, String relative) {
        Path file = root.resolve(relative).normalize();
        return file.startsWith(root.normalize()) && Files.isRegularFile(file);
    }

    /** The request's key for this file, if it names one, else {@code otherwise}. */
    private static TableKey given(DiffOptions options, String name, TableKey otherwise) {
        List<String> columns = options.tableKeys().get(name);
        return columns == null ? otherwise : new TableKey.Given(columns);
    }

    private static DataPackage schema(Path root, String side) throws IOException {
        try {
            return DataPackage.read(root);
        } catch (IOException e) {
            throw new IOException(side + ": " + DataPackage.FILE_NAME + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static FileDiff oneSided(String name, Path file, FileStatus status, DiffOptions options,
                                     DiffProgress progress) {
        List<String> warnings = new ArrayList<>();
        long rows = 0;
        try {
            rows = CsvDiffEngine.countRows(file, options, progress);
        } catch (BadInputException e) {
            warnings.add("rows not counted: " + e.getMessage());
        }
        boolean added = status == FileStatus.ADDED;
        return new FileDiff(name, status, List.of(), added ? 0 : rows, added ? rows : 0, added ? rows : 0,
                added ? 0 : rows, 0, 0, 0.0, ColumnChanges.NONE, null, warnings);
    }

    private static Map<String, List<Path>> index(Path root, FileMatch match) throws IOException {
        Map<String, List<Path>> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                Path relative = root.relativize(file);
                if (!Files.isRegularFile(file) || isHidden(relative)
                        || relative.toString().equals(DataPackage.FILE_NAME)) {
                    continue;
                }
                String name = match == FileMatch.FILE_NAME ? file.getFileName().toString()
                        : relative.toString().replace(file.getFileSystem().getSeparator(), "/");
                files.computeIfAbsent(name, n -> new ArrayList<>()).add(file);
            }
        }
        return files;
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        List<String> names = new ArrayList<>(a.keySet());
        names.addAll(b.keySet());
        return names;
    }

    private static String describe(String side, Path root, List<Path> files) {
        List<String> relative = files.stream().map(f -> root.relativize(f).toString()).sorted().toList();
        return side + " has " + (relative.isEmpty() ? "none" : String.join(", ", relative));
    }
}
