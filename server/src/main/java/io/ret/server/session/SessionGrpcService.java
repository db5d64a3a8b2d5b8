package io.ret.server.session;

import static io.ret.server.platform.grpc.Unary.reply;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.grpc.stub.StreamObserver;
import io.ret.api.v1.DataChunk;
import io.ret.api.v1.DeleteSessionRequest;
import io.ret.api.v1.DeleteSessionResponse;
import io.ret.api.v1.DownloadOutputRequest;
import io.ret.api.v1.DownloadOutputsRequest;
import io.ret.api.v1.GetSchemaRequest;
import io.ret.api.v1.GetSchemaResponse;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.ListOutputsResponse;
import io.ret.api.v1.ListSessionsRequest;
import io.ret.api.v1.ListSessionsResponse;
import io.ret.api.v1.PreviewOutputRequest;
import io.ret.api.v1.PreviewOutputResponse;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionServiceGrpc;
import io.ret.api.v1.UploadArchiveRequest;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.platform.api.Page;
import io.ret.server.platform.api.PageToken;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.grpc.ChunkedSender;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.security.Principal;

/** ret.v1.SessionService: uploads, inventory, outputs, downloads, previews. */
public final class SessionGrpcService extends SessionServiceGrpc.SessionServiceImplBase implements AutoCloseable {
    private final Sessions sessions;
    private final OutputPreview preview;
    private final Duration uploadIdleTimeout;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("upload-idle").daemon().factory());

    /** @param uploadIdleTimeout an upload sending nothing this long is ended and its partial file removed */
    public SessionGrpcService(Sessions sessions, Duration uploadIdleTimeout) {
        this.sessions = sessions;
        this.preview = new OutputPreview(sessions.store());
        this.uploadIdleTimeout = uploadIdleTimeout;
    }

    @Override
    public StreamObserver<UploadArchiveRequest> uploadArchive(StreamObserver<Session> response) {
        return new UploadCall(sessions, RequestContext.requirePrincipal(), response, uploadIdleTimeout, timers);
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }

    @Override
    public void getSession(GetSessionRequest request, StreamObserver<Session> response) {
        SessionRecord session = sessions.get(RequestContext.requirePrincipal(), request.getSessionId());
        reply(response, SessionProtos.session(session, sessions.store().entries(session.id()),
                sessions.store().outputCount(session.id())));
    }

    @Override
    public void listSessions(ListSessionsRequest request, StreamObserver<ListSessionsResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        Page<SessionRecord> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> sessions.list(principal, request.getOwnerId(), before, limit), SessionRecord::id);
        ListSessionsResponse.Builder out = ListSessionsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        // lists carry no inventories; GetSession has them
        page.items().forEach(s -> out.addSessions(SessionProtos.session(s, List.of(), sessions.store().outputCount(s.id()))));
        reply(response, out.build());
    }

    @Override
    public void deleteSession(DeleteSessionRequest request, StreamObserver<DeleteSessionResponse> response) {
        sessions.delete(RequestContext.requirePrincipal(), request.getSessionId());
        reply(response, DeleteSessionResponse.getDefaultInstance());
    }

    @Override
    public void listOutputs(ListOutputsRequest request, StreamObserver<ListOutputsResponse> response) {
        SessionRecord session = sessions.withOutputs(RequestContext.requirePrincipal(), request.getSessionId());
        int size = PageToken.pageSize(request.getPageSize());
        String position = PageToken.decode(request.getPageToken());
        int after;
        try {
            after = position == null ? -1 : Integer.parseInt(position);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("page_token", "is not a token from a previous response");
        }
        List<OutputRecord> rows = sessions.store().outputs(session.id(), after, size + 1);
        ListOutputsResponse.Builder out = ListOutputsResponse.newBuilder();
        rows.stream().limit(size).forEach(o -> out.addOutputs(SessionProtos.output(o)));
        if (rows.size() > size) {
            out.setNextPageToken(PageToken.encode(Integer.toString(rows.get(size - 1).ordinal())));
        }
        reply(response, out.build());
    }

    @Override
    public void downloadOutput(DownloadOutputRequest request, StreamObserver<DataChunk> response) {
        SessionRecord session = sessions.withOutputs(RequestContext.requirePrincipal(), request.getSessionId());
        OutputRecord output = sessions.output(session, request.getPath());
        Path file = sessions.storage().output(session, output.path());
        ChunkedSender.stream(response, output.sizeBytes(), out -> Files.copy(file, out));
    }

    @Override
    public void downloadOutputs(DownloadOutputsRequest request, StreamObserver<DataChunk> response) {
        SessionRecord session = sessions.withOutputs(RequestContext.requirePrincipal(), request.getSessionId());
        List<OutputRecord> outputs = sessions.store().allOutputs(session.id());
        ChunkedSender.stream(response, 0, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (OutputRecord output : outputs) {
                    zip.putNextEntry(new ZipEntry(output.path()));
                    try (InputStream in = Files.newInputStream(sessions.storage().output(session, output.path()))) {
                        in.transferTo(zip);
                    }
                    zip.closeEntry();
                }
                zip.finish();
            } catch (IOException e) {
                throw new IOException("cannot stream the outputs of session " + session.id(), e);
            }
        });
    }

    @Override
    public void getSchema(GetSchemaRequest request, StreamObserver<GetSchemaResponse> response) {
        SessionRecord session = sessions.withOutputs(RequestContext.requirePrincipal(), request.getSessionId());
        Path dir = sessions.storage().outputsDir(session);
        if (!DataPackage.exists(dir)) {
            throw ApiException.failedPrecondition("NO_SCHEMA", "the outputs of session " + session.id()
                    + " have no schema: they came with the archive or were converted before schemas were written");
        }
        DataPackage schema;
        try {
            schema = DataPackage.read(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema of session " + session.id(), e);
        }
        int size = PageToken.pageSize(request.getPageSize());
        String position = PageToken.decode(request.getPageToken());
        int from;
        try {
            from = position == null ? 0 : Integer.parseInt(position);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("page_token", "is not a token from a previous response");
        }
        List<TableSchema> tables = schema.tables();
        GetSchemaResponse.Builder out = GetSchemaResponse.newBuilder()
                .setLayout(SchemaProtos.layout(schema.layout()))
                .setTotalTables(tables.size());
        int to = Math.min(tables.size(), Math.max(0, from) + size);
        for (int i = Math.max(0, from); i < to; i++) {
            out.addTables(SchemaProtos.table(tables.get(i)));
        }
        if (to < tables.size()) {
            out.setNextPageToken(PageToken.encode(Integer.toString(to)));
        }
        reply(response, out.build());
    }

    @Override
    public void previewOutput(PreviewOutputRequest request, StreamObserver<PreviewOutputResponse> response) {
        SessionRecord session = sessions.withOutputs(RequestContext.requirePrincipal(), request.getSessionId());
        OutputRecord output = sessions.output(session, request.getPath());
        reply(response, preview.preview(output, sessions.storage().output(session, output.path()),
                request.getPageSize(), request.getPageToken()));
    }
}
