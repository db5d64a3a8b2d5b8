package io.ret.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.ret.api.v1.ChangeType;
import io.ret.api.v1.Comparison;
import io.ret.api.v1.ComparisonOptions;
import io.ret.api.v1.ComparisonServiceGrpc;
import io.ret.api.v1.ExportDiffRequest;
import io.ret.api.v1.ExportFormat;
import io.ret.api.v1.FileComparison;
import io.ret.api.v1.FileMatch;
import io.ret.api.v1.GetComparisonRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.ListDeltasRequest;
import io.ret.api.v1.ListDeltasResponse;
import io.ret.api.v1.RowDelta;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.platform.console.ProgressLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ret compare}, {@code ret deltas}, {@code ret export}. */
final class ComparisonCommands {
    private ComparisonCommands() {
    }

    @Command(name = "compare", description = "Compare the CSV outputs of two sessions row by row on the server.")
    static final class Compare extends ClientCommand {
        @Parameters(index = "0", paramLabel = "LEFT") String left;
        @Parameters(index = "1", paramLabel = "RIGHT") String right;
        @Option(names = "--key", paramLabel = "COL", description = "Key column (repeat for a composite key); default: the schema's key or a detected one.")
        List<String> keys = new ArrayList<>();
        @Option(names = "--ignore", paramLabel = "COL", description = "Leave a column out (repeatable).") List<String> ignore = new ArrayList<>();
        @Option(names = "--trim") boolean trim;
        @Option(names = "--ignore-case") boolean ignoreCase;
        @Option(names = "--tolerance", defaultValue = "0") double tolerance;
        @Option(names = "--match", defaultValue = "path", description = "path (default) or name") String match;
        @Option(names = "--keyless") boolean keyless;
        @Option(names = "--ordered") boolean ordered;
        @Option(names = "--watch", negatable = true, description = "Follow the job (default on a terminal).") Boolean watch;

        Compare(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) throws InterruptedException {
            ComparisonOptions options = ComparisonOptions.newBuilder().addAllKeyColumns(keys).addAllIgnoreColumns(ignore)
                    .setTrimWhitespace(trim).setIgnoreCase(ignoreCase).setNumericTolerance(tolerance)
                    .setKeyless(keyless).setOrdered(ordered)
                    .setFileMatch(switch (match) {
                        case "path" -> FileMatch.FILE_MATCH_RELATIVE_PATH;
                        case "name" -> FileMatch.FILE_MATCH_FILE_NAME;
                        default -> throw new CliException(ExitCodes.USAGE, "--match is path or name");
                    }).build();
            Job job = client.call(ComparisonServiceGrpc::newBlockingStub).startComparison(StartComparisonRequest.newBuilder()
                    .setLeftSessionId(left).setRightSessionId(right).setOptions(options).build());
            if (!job.getResultId().isEmpty()) {
                out.text("comparison " + job.getResultId() + " started");
            }
            return JobCommands.follow(client, context, out, job, watch(watch), (c, o, ended) -> {
                Comparison comparison = c.call(ComparisonServiceGrpc::newBlockingStub)
                        .getComparison(GetComparisonRequest.newBuilder().setComparisonId(ended.getResultId()).build());
                o.line(comparison);
                summary(comparison, o);
            });
        }
    }

    static void summary(Comparison c, Output out) {
        var s = c.getSummary();
        out.textf("comparison %s: %d files (matched %d, added %d, removed %d, failed %d)%n", c.getId(), s.getFilesTotal(),
                s.getFilesMatched(), s.getFilesAdded(), s.getFilesRemoved(), s.getFilesFailed());
        out.textf("rows: %d added, %d removed, %d modified, %d unchanged; average similarity %.4f%n", s.getRowsAdded(),
                s.getRowsRemoved(), s.getRowsModified(), s.getRowsUnchanged(), s.getAverageSimilarity());
        for (FileComparison f : c.getFilesList()) {
            out.textf("  %-40s %-8s +%d -%d ~%d =%d%s%s%n", f.getPath(), Output.name(f.getStatus(), "FILE_STATUS_"),
                    f.getRowsAdded(), f.getRowsRemoved(), f.getRowsModified(), f.getRowsUnchanged(),
                    f.getKeyColumnsCount() == 0 ? "" : "  key " + String.join(",", f.getKeyColumnsList()),
                    f.getError().isEmpty() ? "" : "  " + f.getError());
        }
        out.text("read the rows with: ret deltas " + c.getId());
    }

    @Command(name = "deltas", description = "The changed rows of a comparison.")
    static final class Deltas extends ClientCommand {
        @Parameters(paramLabel = "COMPARISON") String comparisonId;
        @Option(names = "--type", description = "added, removed or modified") String type;
        @Option(names = "--file", description = "Only this file.") String file;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}; 0: all).")
        int limit;

        Deltas(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            ListDeltasRequest.Builder request = ListDeltasRequest.newBuilder().setComparisonId(comparisonId)
                    .setFile(file == null ? "" : file);
            if (type != null) {
                request.setChangeType(ChangeType.valueOf("CHANGE_TYPE_" + type.toUpperCase(Locale.ROOT)));
            }
            int shown = 0;
            String token = "";
            do {
                int want = limit <= 0 ? 500 : Math.min(500, limit - shown);
                ListDeltasResponse page = client.call(ComparisonServiceGrpc::newBlockingStub)
                        .listDeltas(request.setPageSize(want).setPageToken(token).build());
                for (RowDelta delta : page.getDeltasList()) {
                    out.line(delta);
                    out.text(words(delta));
                    shown++;
                }
                token = page.getNextPageToken();
            } while (!token.isEmpty() && (limit <= 0 || shown < limit));
            if (!token.isEmpty()) {
                out.text("... more: --limit 0 shows all");
            }
            return ExitCodes.OK;
        }

        private static String words(RowDelta d) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8s %s", Output.name(d.getChangeType(),
                    "CHANGE_TYPE_"), d.getFile()));
            line.append(d.getKeyCount() > 0 ? "  key " + String.join(",", d.getKeyList())
                    : "  rows " + d.getLeftRow() + "/" + d.getRightRow());
            switch (d.getChangeType()) {
                case CHANGE_TYPE_MODIFIED -> d.getChangesList().forEach(c -> line.append("\n    ").append(c.getColumn())
                        .append(": ").append(c.getBefore()).append(" -> ").append(c.getAfter()));
                case CHANGE_TYPE_ADDED -> line.append("\n    + ").append(String.join(", ", d.getAfterList()));
                case CHANGE_TYPE_REMOVED -> line.append("\n    - ").append(String.join(", ", d.getBeforeList()));
                default -> {
                }
            }
            return line.toString();
        }
    }

    @Command(name = "export", description = "The whole diff as daff's highlighter CSV or JSON lines.")
    static final class Export extends ClientCommand {
        @Parameters(paramLabel = "COMPARISON") String comparisonId;
        @Option(names = "--format", defaultValue = "daff", description = "daff (default) or jsonl") String format;
        @Option(names = "--file", description = "Only this file.") String file;
        @Option(names = "-o", paramLabel = "FILE", required = true, description = "Where to write; - for standard output.")
        String target;

        Export(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) throws IOException {
            ExportFormat exportFormat = switch (format) {
                case "daff" -> ExportFormat.EXPORT_FORMAT_DAFF;
                case "jsonl" -> ExportFormat.EXPORT_FORMAT_JSONL;
                default -> throw new CliException(ExitCodes.USAGE, "--format is daff or jsonl");
            };
            var chunks = client.stream(ComparisonServiceGrpc::newBlockingStub).exportDiff(ExportDiffRequest.newBuilder()
                    .setComparisonId(comparisonId).setFormat(exportFormat).setFile(file == null ? "" : file).build());
            if (target.equals("-")) {
                SessionCommands.copy(chunks, context.out(), ProgressLine.silent());
                context.out().flush();
                return ExitCodes.OK;
            }
            Path path = Path.of(target).toAbsolutePath();
            ProgressLine bar = ProgressLine.on(context.err(), context.interactive() && !out.json(), "export",
                    ProgressLine.Unit.BYTES);
            Path temp = Files.createTempFile(path.getParent(), ".ret-export", ".part");
            long bytes;
            try {
                try (OutputStream stream = Files.newOutputStream(temp)) {
                    bytes = SessionCommands.copy(chunks, stream, bar);
                }
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            bar.finish();
            if (out.json()) {
                out.out().println(Output.json(java.util.Map.of("path", path.toString(), "bytes", bytes)));
            }
            out.text("wrote " + path + " (" + ProgressLine.bytes(bytes) + ")");
            return ExitCodes.OK;
        }
    }
}
