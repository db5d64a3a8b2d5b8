package io.ret.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import io.ret.api.v1.ArchiveEntry;
import io.ret.api.v1.ColumnStats;
import io.ret.api.v1.ConversionServiceGrpc;
import io.ret.api.v1.DataChunk;
import io.ret.api.v1.DeleteSessionRequest;
import io.ret.api.v1.DownloadOutputRequest;
import io.ret.api.v1.DownloadOutputsRequest;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.ListOutputsResponse;
import io.ret.api.v1.ListSessionsRequest;
import io.ret.api.v1.ListSessionsResponse;
import io.ret.api.v1.OutputFile;
import io.ret.api.v1.PreviewOutputRequest;
import io.ret.api.v1.PreviewOutputResponse;
import io.ret.api.v1.Row;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionServiceGrpc;
import io.ret.api.v1.StartConversionRequest;
import io.ret.server.platform.console.ProgressLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Uploads, sessions, outputs, previews and downloads. */
final class SessionCommands {
    private SessionCommands() {
    }

    @Command(name = "upload", description = {"Upload an archive as a new session, with a progress bar.",
            "A ZIP of XML (or CSV) files; its inventory is shown. --convert starts its conversion at once."})
    static final class Upload extends ClientCommand {
        @Parameters(paramLabel = "ARCHIVE") Path archive;
        @Option(names = "--description") String description;
        @Option(names = "--convert", description = "Start converting it (default options).") boolean convert;
        @Option(names = "--wait", description = "With --convert: follow the conversion until it ends (the default on a terminal).")
        boolean await;

        Upload(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) throws Exception {
            if (!Files.isRegularFile(archive)) {
                throw new CliException(ExitCodes.USAGE, "no such file: " + archive);
            }
            ProgressLine bar = ProgressLine.on(context.err(), context.interactive() && !out.json(), "upload",
                    ProgressLine.Unit.BYTES);
            Session session = Uploader.upload(client, archive, description, bar);
            if (convert) {
                out.line(session);
            } else {
                out.document(session);
            }
            inventory(session, out);
            if (!convert) {
                return ExitCodes.OK;
            }
            Job job = client.call(ConversionServiceGrpc::newBlockingStub)
                    .startConversion(StartConversionRequest.newBuilder().setSessionId(session.getId()).build());
            return JobCommands.follow(client, context, out, job, await || context.interactive(),
                    (c, o, ended) -> outputs(c, o, ended.getSubjectId(), true));
        }
    }

    @Command(name = "sessions", description = "Your sessions (uploaded archives): list, get, delete.",
            subcommands = {Sessions.List.class, Sessions.Get.class, Sessions.Delete.class})
    static final class Sessions {
        @Command(name = "list", description = "Your sessions, newest first.")
        static final class List extends ClientCommand {
            @Option(names = "--limit", defaultValue = "50") int limit;

            List(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                ListSessionsResponse response = client.call(SessionServiceGrpc::newBlockingStub)
                        .listSessions(ListSessionsRequest.newBuilder().setPageSize(Math.clamp(limit, 1, 200)).build());
                out.document(response);
                out.textf("%-36s  %-10s  %-4s  %7s  %-19s  %s%n", "SESSION", "STATE", "KIND", "OUTPUTS", "CREATED", "FILE");
                for (Session s : response.getSessionsList()) {
                    out.textf("%-36s  %-10s  %-4s  %7d  %-19s  %s%n", s.getId(), Output.name(s.getState(), "SESSION_STATE_"),
                            Output.name(s.getKind(), "ARCHIVE_KIND_"), s.getOutputCount(), Output.time(s.getCreateTime()),
                            s.getFileName());
                }
                return ExitCodes.OK;
            }
        }

        @Command(name = "get", description = "One session with its inventory.")
        static final class Get extends ClientCommand {
            @Parameters(paramLabel = "SESSION") String sessionId;

            Get(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                Session session = client.call(SessionServiceGrpc::newBlockingStub)
                        .getSession(GetSessionRequest.newBuilder().setSessionId(sessionId).build());
                out.document(session);
                inventory(session, out);
                return ExitCodes.OK;
            }
        }

        @Command(name = "delete", description = "Delete a session, its archive and outputs.")
        static final class Delete extends ClientCommand {
            @Parameters(paramLabel = "SESSION") String sessionId;

            Delete(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                out.document(client.call(SessionServiceGrpc::newBlockingStub)
                        .deleteSession(DeleteSessionRequest.newBuilder().setSessionId(sessionId).build()));
                out.text("deleted session " + sessionId);
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "outputs", description = "The CSV files of a session.")
    static final class Outputs extends ClientCommand {
        @Parameters(paramLabel = "SESSION") String sessionId;

        Outputs(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            outputs(client, out, sessionId, false);
            return ExitCodes.OK;
        }
    }

    @Command(name = "preview", description = "Rows of one output as a table, with statistics per column.")
    static final class Preview extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SESSION") String sessionId;
        @Parameters(index = "1", paramLabel = "FILE", description = "An output path, as `ret outputs` lists it.") String file;
        @Option(names = "--rows", defaultValue = "20", description = "Rows to show (default ${DEFAULT-VALUE}, at most 500).")
        int rows;
        @Option(names = "--page", paramLabel = "TOKEN", description = "The page token a previous preview printed.")
        String page;
        @Option(names = "--width", defaultValue = "24", description = "Widest cell shown (default ${DEFAULT-VALUE}).")
        int width;

        Preview(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            PreviewOutputResponse preview = client.call(SessionServiceGrpc::newBlockingStub).previewOutput(
                    PreviewOutputRequest.newBuilder().setSessionId(sessionId).setPath(file)
                            .setPageSize(Math.clamp(rows, 1, 500)).setPageToken(page == null ? "" : page).build());
            out.document(preview);
            if (out.json()) {
                return ExitCodes.OK;
            }
            List<List<String>> table = new ArrayList<>();
            table.add(preview.getColumnsList());
            for (Row row : preview.getRowsList()) {
                table.add(row.getCellsList());
            }
            Tables.print(out, table, width);
            long last = preview.getFirstRow() + preview.getRowsCount() - 1;
            out.textf("rows %d-%d of %d%s%n", preview.getFirstRow(), Math.max(last, 0), preview.getTotalRows(),
                    preview.getNextPageToken().isEmpty() ? "" : "; next page: --page " + preview.getNextPageToken());
            List<List<String>> stats = new ArrayList<>();
            stats.add(List.of("column", "values", "empty", "distinct~", "min", "max", "mean"));
            for (ColumnStats c : preview.getColumnStatsList()) {
                stats.add(List.of(c.getName(), Long.toString(c.getCount()), Long.toString(c.getEmpty()),
                        Long.toString(c.getDistinctEstimate()), c.getNumeric() ? number(c.getMin()) : "",
                        c.getNumeric() ? number(c.getMax()) : "", c.getNumeric() ? number(c.getMean()) : ""));
            }
            out.text("");
            Tables.print(out, stats, width);
            return ExitCodes.OK;
        }

        private static String number(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                    : String.format(Locale.ROOT, "%.4g", value);
        }
    }

    @Command(name = "download", description = {"Download one output (FILE), or all of them as a ZIP.",
            "Default target: the file's name (or SESSION-outputs.zip) in the current directory; -o - writes to standard output."})
    static final class Download extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SESSION") String sessionId;
        @Parameters(index = "1", paramLabel = "FILE", arity = "0..1") String file;
        @Option(names = "-o", paramLabel = "PATH") String target;

        Download(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) throws IOException {
            var stub = client.stream(SessionServiceGrpc::newBlockingStub);
            Iterator<DataChunk> chunks = file == null
                    ? stub.downloadOutputs(DownloadOutputsRequest.newBuilder().setSessionId(sessionId).build())
                    : stub.downloadOutput(DownloadOutputRequest.newBuilder().setSessionId(sessionId).setPath(file).build());
            String name = target != null ? target
                    : file == null ? sessionId + "-outputs.zip" : Path.of(file).getFileName().toString();
            boolean toStdout = name.equals("-");
            ProgressLine bar = ProgressLine.on(context.err(), context.interactive() && !toStdout && !out.json(),
                    "download", ProgressLine.Unit.BYTES);
            long bytes;
            if (toStdout) {
                bytes = copy(chunks, context.out(), bar);
                context.out().flush();
            } else {
                Path path = Path.of(name).toAbsolutePath();
                Path temp = Files.createTempFile(path.getParent(), ".ret-download", ".part");
                try {
                    try (OutputStream stream = Files.newOutputStream(temp)) {
                        bytes = copy(chunks, stream, bar);
                    }
                    Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temp);
                }
                if (out.json()) {
                    out.out().println(Output.json(java.util.Map.of("path", path.toString(), "bytes", bytes)));
                }
                out.text("wrote " + path + " (" + ProgressLine.bytes(bytes) + ")");
            }
            bar.finish();
            return ExitCodes.OK;
        }
    }

    /** Writes the chunks in order; a gap or overlap is the server's error, not a silent corruption. */
    static long copy(Iterator<DataChunk> chunks, OutputStream out, ProgressLine bar) throws IOException {
        long written = 0;
        while (chunks.hasNext()) {
            DataChunk chunk = chunks.next();
            if (chunk.getOffset() != written) {
                throw new CliException(ExitCodes.FAILED, "the server sent bytes at offset " + chunk.getOffset()
                        + " after " + written + "; download again");
            }
            if (chunk.getTotalBytes() > 0) {
                bar.total(chunk.getTotalBytes());
            }
            chunk.getData().writeTo(out);
            written += chunk.getData().size();
            bar.advance(chunk.getData().size());
        }
        return written;
    }

    static void inventory(Session s, Output out) {
        out.text("session " + s.getId() + "  " + s.getFileName() + "  " + Output.name(s.getKind(), "ARCHIVE_KIND_")
                + "  " + Output.name(s.getState(), "SESSION_STATE_"));
        out.text("  " + ProgressLine.bytes(s.getArchiveBytes()) + " archive, " + ProgressLine.bytes(s.getUncompressedBytes())
                + " uncompressed, " + s.getEntriesCount() + " entries, " + s.getOutputCount() + " outputs");
        for (ArchiveEntry e : s.getEntriesList()) {
            out.textf("  %-8s %10s  %s%s%n", Output.name(e.getKind(), "ENTRY_KIND_"), ProgressLine.bytes(e.getSizeBytes()),
                    e.getPath(), e.getSkipReason().isEmpty() ? "" : "  (skipped: " + e.getSkipReason() + ")");
        }
    }

    static void outputs(RetClient client, Output out, String sessionId, boolean asLine) {
        ListOutputsResponse.Builder all = ListOutputsResponse.newBuilder();
        String token = "";
        do {
            ListOutputsResponse page = client.call(SessionServiceGrpc::newBlockingStub).listOutputs(
                    ListOutputsRequest.newBuilder().setSessionId(sessionId).setPageSize(200).setPageToken(token).build());
            all.addAllOutputs(page.getOutputsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        if (asLine) {
            out.line(all);
        } else {
            out.document(all);
        }
        out.text("outputs of session " + sessionId + ":");
        for (OutputFile f : all.getOutputsList()) {
            out.textf("  %-40s %8d rows %10s  %d columns%s%n", f.getPath(), f.getRows(), ProgressLine.bytes(f.getSizeBytes()),
                    f.getColumnsCount(), f.getSourcePath().isEmpty() ? "" : "  from " + f.getSourcePath());
        }
    }
}
