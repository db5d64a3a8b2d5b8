package io.ret.server.comparison;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.ret.server.platform.console.ProgressLine;

/**
 * {@code ret diff LEFT RIGHT [options]}: compares two CSV files or two directories locally, with
 * no server or database. Two conversion output directories (each with a {@code datapackage.json})
 * are compared table by table, keyed by the schemas' natural keys. Exit code 0: no differences, 1: differences, 2: usage error or a file
 * that could not be compared.
 */
public final class DiffCommand {
    static final String USAGE = """
            usage: ret diff LEFT RIGHT [options]
              LEFT, RIGHT       two CSV files, or two directories compared file by file; two
                                conversion outputs (with datapackage.json) are compared table
                                by table on each table's natural key
              --key COL         key column (repeat for a composite key); default: the schema's
                                natural key, else detect one
              --table-key T=C1,C2
                                key columns of one table (name or record path) or file (path)
              --keyless         compare rows as multisets, no key
              --ordered         align rows by position (keyless), like daff --ordered
              --ignore COL      leave a column out of the comparison (repeatable)
              --trim            ignore leading/trailing whitespace
              --ignore-case     ignore differences in case
              --tolerance X     numbers differing by at most X are equal
              --match path|name pair directory files by relative path (default) or file name
              --format F        daff (highlighter CSV, default), jsonl, or summary
              --memory MB       memory budget before spilling to disk (default 256)
            """;

    private DiffCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, ProgressLine.silent());
    }

    /** @param progress drawn while comparing (rows read, rate); silent off a terminal */
    public static int run(List<String> args, PrintStream out, PrintStream err, ProgressLine progress) {
        List<String> paths = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Map<String, List<String>> tableKeys = new LinkedHashMap<>();
        Set<String> ignore = new LinkedHashSet<>();
        boolean trim = false, ignoreCase = false, ordered = false, keyless = false;
        double tolerance = 0;
        long memory = DiffOptions.DEFAULT_MEMORY_BUDGET;
        FileMatch match = FileMatch.RELATIVE_PATH;
        String format = "daff";
        try {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                switch (arg) {
                    case "--key" -> keys.add(value(args, ++i, arg));
                    case "--ignore" -> ignore.add(value(args, ++i, arg));
                    case "--table-key" -> tableKey(value(args, ++i, arg), tableKeys);
                    case "--trim" -> trim = true;
                    case "--ignore-case" -> ignoreCase = true;
                    case "--ordered" -> ordered = true;
                    case "--keyless" -> keyless = true;
                    case "--tolerance" -> tolerance = Double.parseDouble(value(args, ++i, arg));
                    case "--memory" -> memory = Long.parseLong(value(args, ++i, arg)) << 20;
                    case "--format" -> format = value(args, ++i, arg);
                    case "--match" -> match = switch (value(args, ++i, arg)) {
                        case "path" -> FileMatch.RELATIVE_PATH;
                        case "name" -> FileMatch.FILE_NAME;
                        default -> throw new IllegalArgumentException("--match takes path or name");
                    };
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    default -> {
                        if (arg.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        paths.add(arg);
                    }
                }
            }
            if (paths.size() != 2) {
                throw new IllegalArgumentException("expected LEFT and RIGHT, got " + paths.size() + " path(s)");
            }
            if (!List.of("daff", "jsonl", "summary").contains(format)) {
                throw new IllegalArgumentException("--format takes daff, jsonl or summary");
            }
            DiffOptions options = new DiffOptions(keys, ignore, trim, ignoreCase, tolerance, ordered, keyless, memory,
                    null, tableKeys);
            return diff(Path.of(paths.get(0)), Path.of(paths.get(1)), options, match, format, out, err, progress);
        } catch (IllegalArgumentException e) {
            err.println("ret diff: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }

    private static int diff(Path left, Path right, DiffOptions options, FileMatch match, String format,
                            PrintStream out, PrintStream err, ProgressLine progress) {
        for (Path root : List.of(left, right)) {
            if (!Files.exists(root)) {
                err.println("ret diff: no such file or directory: " + root);
                return 2;
            }
        }
        BufferedWriter text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        JsonLinesWriter jsonLines = format.equals("jsonl") ? new JsonLinesWriter(out) : null;
        DaffWriter daff = format.equals("daff") ? new DaffWriter(text, Files.isDirectory(left)) : null;
        DeltaSink sink = daff != null ? daff : jsonLines != null ? jsonLines : DeltaSink.discard();
        DiffSummary summary;
        try {
            try {
                summary = TreeDiff.diff(left, right, match, options, sink, showing(progress, left, right));
            } finally {
                progress.finish();
            }
            if (daff != null) {
                daff.flush();
            }
            if (jsonLines != null) {
                jsonLines.flush();
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("ret diff: " + e.getMessage());
            return 2;
        }
        if (format.equals("summary")) {
            printSummary(summary, out);
        }
        for (FileDiff file : summary.files()) {
            for (String warning : file.warnings()) {
                err.println("ret diff: " + file.path() + ": " + warning);
            }
            if (file.error() != null) {
                err.println("ret diff: " + file.path() + ": FAILED: " + file.error());
            }
        }
        out.flush();
        if (summary.filesFailed() > 0) {
            return 2;
        }
        boolean same = summary.filesAdded() == 0 && summary.filesRemoved() == 0 && summary.rowsAdded() == 0
                && summary.rowsRemoved() == 0 && summary.rowsModified() == 0
                && summary.files().stream().noneMatch(f -> f.columns().any());
        return same ? 0 : 1;
    }

    /** Files, bytes of both sides (the bar's total), rows, rate and time left. */
    private static DiffProgress showing(ProgressLine line, Path left, Path right) {
        line.total(csvBytes(left) + csvBytes(right));
        return new DiffProgress() {
            private long rows;
            private String files = "";

            @Override
            public void rowsProcessed(long delta) {
                rows += delta;
                line.detail(files + rows + " rows");
            }

            @Override
            public void bytesRead(long delta) {
                line.advance(delta);
            }

            @Override
            public boolean cancelled() {
                return false;
            }

            @Override
            public void filesDone(int done, int total) {
                files = done + "/" + total + " files, ";
                line.detail(files + rows + " rows");
            }
        };
    }

    /** Bytes of the CSV files a side holds (a file, or a directory tree of them); 0 when unreadable. */
    private static long csvBytes(Path root) {
        if (Files.isRegularFile(root)) {
            return root.toFile().length();
        }
        try (var files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0; // the bar then shows no total; the comparison reports what it cannot read
        }
    }

    private static void printSummary(DiffSummary summary, PrintStream out) {
        out.printf(Locale.ROOT, "%-40s %-8s %10s %10s %10s %10s %10s  %s%n", "file", "status", "left", "right",
                "added", "removed", "modified", "similarity");
        for (FileDiff f : summary.files()) {
            out.printf(Locale.ROOT, "%-40s %-8s %10d %10d %10d %10d %10d  %.6f%s%n", f.path(), f.status(), f.rowsLeft(),
                    f.rowsRight(), f.added(), f.removed(), f.modified(), f.similarity(),
                    f.keyColumns().isEmpty() ? "" : "  key " + String.join(",", f.keyColumns()));
            if (f.columns().any()) {
                out.printf(Locale.ROOT, "    columns added %s, removed %s%s%n", f.columns().added(),
                        f.columns().removed(), f.columns().reordered() ? ", reordered" : "");
            }
        }
        out.printf(Locale.ROOT, "files %d (matched %d, added %d, removed %d, failed %d); rows added %d, removed %d,"
                        + " modified %d, unchanged %d; average similarity %.6f%n", summary.filesTotal(),
                summary.filesMatched(), summary.filesAdded(), summary.filesRemoved(), summary.filesFailed(),
                summary.rowsAdded(), summary.rowsRemoved(), summary.rowsModified(), summary.rowsUnchanged(),
                summary.averageSimilarity());
    }

    /** {@code TABLE=COL[,COL...]}; the table name may itself contain '=', the last one splits. */
    private static void tableKey(String spec, Map<String, List<String>> tableKeys) {
        int split = spec.lastIndexOf('=');
        if (split <= 0 || split == spec.length() - 1) {
            throw new IllegalArgumentException("--table-key takes TABLE=COLUMN[,COLUMN...]: " + spec);
        }
        if (tableKeys.put(spec.substring(0, split), List.of(spec.substring(split + 1).split(","))) != null) {
            throw new IllegalArgumentException("--table-key given twice for " + spec.substring(0, split));
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
