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

/**
 * Compares two files, or two directory trees file by file. Trees are paired by relative path
 * (with '/' separators) or by file name; hidden files and directories (name starting with '.')
 * are skipped. A file on one side only is reported ADDED or REMOVED with its row count and no
 * row deltas. Files are compared one after another, in path order.
 */
public final class TreeDiff {
    private TreeDiff() {
    }

    /**
     * @throws IOException when a root cannot be listed
     * @throws IllegalArgumentException when one root is a file and the other a directory
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
            return DiffSummary.of(List.of(CsvDiffEngine.diff(left, right, name, options, sink, progress)));
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
                files.add(FileDiff.failed(name, "ambiguous file name: " + describe("left", left, l) + "; "
                        + describe("right", right, r), List.of()));
            } else if (r.isEmpty()) {
                files.add(oneSided(name, l.getFirst(), FileStatus.REMOVED, options, progress));
            } else if (l.isEmpty()) {
                files.add(oneSided(name, r.getFirst(), FileStatus.ADDED, options, progress));
            } else {
                files.add(CsvDiffEngine.diff(l.getFirst(), r.getFirst(), name, options, sink, progress));
            }
            progress.filesDone(files.size(), names.size());
        }
        return DiffSummary.of(files);
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
                if (!Files.isRegularFile(file) || isHidden(relative)) {
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
