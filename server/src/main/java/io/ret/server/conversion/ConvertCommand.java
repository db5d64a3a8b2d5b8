package io.ret.server.conversion;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.platform.console.ProgressLine;
import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.session.archive.ArchiveRejectedException;

/**
 * {@code ret convert ARCHIVE-OR-DIR OUT-DIR [options]}: converts locally, with no server
 * or database, and prints the summary. Exit code 0 when every file converted, 1 when a
 * file failed or the archive was refused, 2 for a usage error.
 */
public final class ConvertCommand {

    public static final String USAGE = """
            usage: ret convert ARCHIVE-OR-DIR OUT-DIR [options]

            Converts every XML file of a ZIP archive or a directory into CSV files in OUT-DIR
            (created if missing; it must be empty), with their schema (keys, parents, column
            roles and types) in OUT-DIR/datapackage.json.

            options:
              --record NAME         the element that makes one row (a name or a path such as
                                    orders/order); detected over the archive when not given
              --layout merged       one set of tables per record type, rows name their _file (default)
              --layout per-file     one set of tables per XML file
              --keep-whitespace     keep element text as written (default: trim the whitespace around it)
              --key TABLE=COL[,COL] the natural key of a table (its name or record path); repeatable
              --layout-from DIR     keep the tables and columns of an earlier conversion's OUT-DIR
              --mode child-tables   repeated elements become child tables (default)
              --mode join           repeated text-only elements are joined into one cell
              --separator S         separator of joined values (default |)
              --namespace-uri       name elements {uri}local instead of prefix:local
            """;

    private ConvertCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, ProgressLine.silent());
    }

    /** @param progress drawn while converting (XML bytes read, rate, time left); silent off a terminal */
    public static int run(List<String> args, PrintStream out, PrintStream err, ProgressLine progress) {
        String record = null;
        FlattenMode mode = FlattenMode.CHILD_TABLES;
        String separator = "|";
        boolean namespaceUri = false;
        Layout layout = Layout.MERGED;
        boolean keepWhitespace = false;
        Map<String, List<String>> keys = new LinkedHashMap<>();
        Path layoutFrom = null;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            boolean hasValue = i + 1 < args.size();
            switch (arg) {
                case "--record" -> {
                    if (!hasValue) {
                        return usage(err, "--record needs a name");
                    }
                    record = args.get(++i);
                }
                case "--mode" -> {
                    String value = hasValue ? args.get(++i) : "";
                    switch (value) {
                        case "child-tables" -> mode = FlattenMode.CHILD_TABLES;
                        case "join" -> mode = FlattenMode.JOIN_REPEATED;
                        default -> {
                            return usage(err, "--mode is child-tables or join");
                        }
                    }
                }
                case "--separator" -> {
                    if (!hasValue) {
                        return usage(err, "--separator needs a value");
                    }
                    separator = args.get(++i);
                }
                case "--namespace-uri" -> namespaceUri = true;
                case "--layout" -> {
                    String value = hasValue ? args.get(++i) : "";
                    switch (value) {
                        case "merged" -> layout = Layout.MERGED;
                        case "per-file" -> layout = Layout.PER_FILE;
                        default -> {
                            return usage(err, "--layout is merged or per-file");
                        }
                    }
                }
                case "--keep-whitespace" -> keepWhitespace = true;
                case "--key" -> {
                    String value = hasValue ? args.get(++i) : "";
                    int equals = value.indexOf('=');
                    if (equals <= 0 || equals == value.length() - 1) {
                        return usage(err, "--key is TABLE=COLUMN[,COLUMN...]");
                    }
                    keys.put(value.substring(0, equals), List.of(value.substring(equals + 1).split(",")));
                }
                case "--layout-from" -> {
                    if (!hasValue) {
                        return usage(err, "--layout-from needs an earlier output directory");
                    }
                    layoutFrom = Path.of(args.get(++i));
                }
                default -> {
                    if (arg.startsWith("--")) {
                        return usage(err, "unknown option '" + arg + "'");
                    }
                    positional.add(arg);
                }
            }
        }
        if (positional.size() != 2) {
            return usage(err, "expected ARCHIVE-OR-DIR and OUT-DIR");
        }
        ConversionOptions options;
        try {
            options = new ConversionOptions(record, mode, separator, namespaceUri, layout, keepWhitespace, keys, null);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (layoutFrom != null) {
            try {
                options = options.withPreviousLayout(DataPackage.read(layoutFrom));
            } catch (IOException e) {
                err.println("ret convert: no schema to take the layout from in " + layoutFrom + ": " + e.getMessage());
                return 1;
            }
        }
        Path archive = Path.of(positional.get(0));
        Path outDir = Path.of(positional.get(1));
        try {
            if (!Files.exists(archive)) {
                err.println("ret convert: no such file or directory: " + archive);
                return 1;
            }
            if (Files.isDirectory(outDir)) {
                try (Stream<Path> existing = Files.list(outDir)) {
                    if (existing.findAny().isPresent()) {
                        err.println("ret convert: " + outDir + " is not empty");
                        return 1;
                    }
                }
            }
            ConversionSummary summary;
            try {
                summary = new ArchiveConverter(options, ArchiveLimits.defaults())
                        .convert(archive, outDir, showing(progress));
            } finally {
                progress.finish();
            }
            print(summary, out);
            return summary.filesFailed() == 0 ? 0 : 1;
        } catch (KeyColumnRejectedException e) {
            err.println("ret convert: " + e.getMessage());
            return 1;
        } catch (ArchiveRejectedException e) {
            err.println("ret convert: archive refused (" + e.reason() + "): " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("ret convert: " + e.getMessage());
            return 1;
        }
    }

    private static ConversionProgress showing(ProgressLine line) {
        return new ConversionProgress() {
            @Override
            public void start(long totalBytes) {
                line.total(totalBytes);
            }

            @Override
            public void bytesRead(long delta) {
                line.advance(delta);
            }

            @Override
            public void filesDone(int done, int total) {
                line.detail(done + "/" + total + " files");
            }
        };
    }

    /** The summary as people read it. */
    static void print(ConversionSummary summary, PrintStream out) {
        out.printf("files: %d total, %d succeeded, %d failed%n", summary.filesTotal(), summary.filesSucceeded(),
                summary.filesFailed());
        out.printf("written: %d rows, %d bytes in %d CSV files%n", summary.rowsWritten(), summary.bytesWritten(),
                summary.outputs().size());
        for (TableOutput output : summary.outputs()) {
            String key = summary.schema().tableAt(output.path())
                    .map(t -> t.primaryKey().isEmpty() ? "no key" : "key " + String.join(", ", t.primaryKey())
                            + " (" + t.keySource().json() + ")")
                    .orElse("");
            out.printf("  %s  %d rows, %d bytes, %d columns, %s%s%n", output.path(), output.rows(),
                    output.bytes(), output.columns().size(), key,
                    output.sourcePath().isEmpty() ? "" : "  (from " + output.sourcePath() + ")");
        }
        if (!summary.outputs().isEmpty()) {
            out.println("schema: " + DataPackage.FILE_NAME);
        }
        PreviousLayout.Changes changes = summary.layoutChanges();
        changes.addedTables().forEach(t -> out.println("new table: " + t));
        changes.addedColumns().forEach(c -> out.println("new column: " + c));
        changes.vanishedColumns().forEach(c -> out.println("column now empty: " + c));
        if (!summary.failures().isEmpty()) {
            out.println("failures:");
            for (FileFailure failure : summary.failures()) {
                String at = failure.line() > 0 ? ":" + failure.line() + ":" + failure.column() : "";
                out.printf("  %s%s  %s%n", failure.path(), at, failure.reason());
            }
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("ret convert: " + problem);
        err.print(USAGE);
        return 2;
    }
}
