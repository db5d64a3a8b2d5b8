package io.ret.server.comparison;

import static io.ret.server.platform.grpc.Unary.reply;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.Comparison;
import io.ret.api.v1.ComparisonOptions;
import io.ret.api.v1.ComparisonServiceGrpc;
import io.ret.api.v1.ComparisonSummary;
import io.ret.api.v1.DataChunk;
import io.ret.api.v1.DeleteComparisonRequest;
import io.ret.api.v1.DeleteComparisonResponse;
import io.ret.api.v1.ExportDiffRequest;
import io.ret.api.v1.ExportFormat;
import io.ret.api.v1.FileComparison;
import io.ret.api.v1.GetComparisonRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.ListComparisonsRequest;
import io.ret.api.v1.ListComparisonsResponse;
import io.ret.api.v1.ListDeltasRequest;
import io.ret.api.v1.ListDeltasResponse;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.job.JobProtos;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobState;
import io.ret.server.job.JobType;
import io.ret.server.job.Jobs;
import io.ret.server.platform.api.PageToken;
import io.ret.server.platform.api.Page;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.grpc.ChunkedSender;
import io.ret.server.platform.grpc.Protos;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.security.Principal;
import io.ret.server.session.Sessions;

/** ret.v1.ComparisonService: start, read, page through deltas, export. */
public final class ComparisonGrpcService extends ComparisonServiceGrpc.ComparisonServiceImplBase {
    private static final int EXPORT_BATCH = 2000;

    private final ComparisonStore store;
    private final Sessions sessions;
    private final Jobs jobs;
    private final ComparisonSettings settings;

    public ComparisonGrpcService(ComparisonStore store, Sessions sessions, Jobs jobs, ComparisonSettings settings) {
        this.store = store;
        this.sessions = sessions;
        this.jobs = jobs;
        this.settings = settings;
    }

    @Override
    public void startComparison(StartComparisonRequest request, StreamObserver<Job> response) {
        Principal principal = RequestContext.requirePrincipal();
        var left = sessions.withOutputs(principal, request.getLeftSessionId());
        var right = sessions.withOutputs(principal, request.getRightSessionId());
        DiffOptions options = ComparisonProtos.options(request.getOptions(), settings.memoryBudgetBytes(),
                settings.workDir());
        ComparisonProtos.refuseMismatch(sessions.storage().outputsDir(left), sessions.storage().outputsDir(right),
                ComparisonProtos.match(request.getOptions().getFileMatch()), options);
        reply(response, JobProtos.job(jobs.submit(principal, JobType.COMPARISON, left.id(),
                request.toBuilder().setLeftSessionId(left.id()).setRightSessionId(right.id()).build().toByteArray(),
                request.getPriority())));
    }

    /** A finished comparison the caller may read; an unfinished one says so. */
    private ComparisonStore.ComparisonRecord readable(Principal principal, String id) {
        Validate.id("comparison_id", id);
        var found = store.get(id).filter(c -> principal.mayAccess(c.ownerId()));
        if (found.isPresent()) {
            return found.get();
        }
        JobRecord job;
        try {
            job = jobs.get(principal, id);
        } catch (ApiException e) {
            // neither a comparison nor a job of the caller's: the error names what was asked for
            throw ApiException.notFound("comparison", id);
        }
        if (job.type() == JobType.COMPARISON && job.state() != JobState.SUCCEEDED) {
            throw ApiException.failedPrecondition("COMPARISON_NOT_READY", "the comparison job is "
                    + job.state().name().toLowerCase(java.util.Locale.ROOT) + "; watch it with JobService.WatchJob");
        }
        throw ApiException.notFound("comparison", id);
    }

    @Override
    public void getComparison(GetComparisonRequest request, StreamObserver<Comparison> response) {
        var c = readable(RequestContext.requirePrincipal(), request.getComparisonId());
        Comparison.Builder out = describe(c);
        for (ComparisonStore.FileRecord f : store.files(c.id())) {
            out.addFiles(parse(f));
        }
        reply(response, out.build());
    }

    @Override
    public void listComparisons(ListComparisonsRequest request, StreamObserver<ListComparisonsResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        Page<ComparisonStore.ComparisonRecord> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> store.list(principal.isAdmin() ? null : principal.userId(), before, limit),
                ComparisonStore.ComparisonRecord::id);
        ListComparisonsResponse.Builder out = ListComparisonsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(c -> out.addComparisons(describe(c)));
        reply(response, out.build());
    }

    @Override
    public void deleteComparison(DeleteComparisonRequest request, StreamObserver<DeleteComparisonResponse> response) {
        store.delete(readable(RequestContext.requirePrincipal(), request.getComparisonId()).id());
        reply(response, DeleteComparisonResponse.getDefaultInstance());
    }

    @Override
    public void listDeltas(ListDeltasRequest request, StreamObserver<ListDeltasResponse> response) {
        var c = readable(RequestContext.requirePrincipal(), request.getComparisonId());
        Integer file = fileOrdinal(c, request.getFile());
        ChangeType type = ComparisonProtos.changeType(request.getChangeType());
        int size = PageToken.pageSize(request.getPageSize(), 100, 1000);
        long after = afterSeq(request.getPageToken());
        List<ComparisonStore.DeltaRecord> rows = store.deltas(c.id(), file, type == null ? null : type.name(), after,
                size + 1);
        ListDeltasResponse.Builder out = ListDeltasResponse.newBuilder().setSummary(summary(c));
        rows.stream().limit(size).forEach(d -> out.addDeltas(delta(d)));
        if (rows.size() > size) {
            out.setNextPageToken(PageToken.encode(Long.toString(rows.get(size - 1).seq())));
        }
        reply(response, out.build());
    }

    @Override
    public void exportDiff(ExportDiffRequest request, StreamObserver<DataChunk> response) {
        var c = readable(RequestContext.requirePrincipal(), request.getComparisonId());
        Integer only = fileOrdinal(c, request.getFile());
        List<ComparisonStore.FileRecord> files = store.files(c.id()).stream()
                .filter(f -> only == null || f.ordinal() == only)
                .filter(f -> parse(f).getStatus() == io.ret.api.v1.FileStatus.FILE_STATUS_MATCHED
                        || parse(f).getStatus() == io.ret.api.v1.FileStatus.FILE_STATUS_FAILED)
                .toList();
        boolean jsonl = request.getFormat() == ExportFormat.EXPORT_FORMAT_JSONL;
        ChunkedSender.stream(response, 0, out -> {
            if (jsonl) {
                JsonLinesWriter writer = new JsonLinesWriter(out);
                for (ComparisonStore.FileRecord f : files) {
                    export(c.id(), f, writer);
                }
                writer.flush();
            } else {
                BufferedWriter text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                DaffWriter writer = new DaffWriter(text, files.size() > 1);
                for (ComparisonStore.FileRecord f : files) {
                    export(c.id(), f, writer);
                }
                writer.flush();
                text.flush();
            }
        });
    }

    /** A compared file's deltas; a failed file's error (it has no deltas), so no export leaves it out. */
    private void export(String comparisonId, ComparisonStore.FileRecord f, DeltaSink writer) {
        FileComparison result = parse(f);
        if (result.getStatus() == io.ret.api.v1.FileStatus.FILE_STATUS_FAILED) {
            writer.failedFile(f.path(), result.getError());
            return;
        }
        writer.beginFile(f.path(), f.leftColumns(), f.rightColumns());
        forEachDelta(comparisonId, f.ordinal(), writer);
    }

    /** The stored totals; summaries stored before failed files were named get them from the per-file results. */
    private ComparisonSummary summary(ComparisonStore.ComparisonRecord c) {
        ComparisonSummary stored = describe(c).getSummary();
        if (stored.getFilesFailed() == 0 || stored.getFailedFilesCount() > 0) {
            return stored;
        }
        ComparisonSummary.Builder summary = stored.toBuilder();
        store.files(c.id()).stream().map(ComparisonGrpcService::parse)
                .filter(f -> f.getStatus() == io.ret.api.v1.FileStatus.FILE_STATUS_FAILED)
                .limit(ComparisonProtos.FAILED_FILES_LISTED)
                .forEach(f -> summary.addFailedFiles(io.ret.api.v1.FailedFile.newBuilder().setPath(f.getPath())
                        .setError(f.getError())));
        return summary.build();
    }

    private void forEachDelta(String comparisonId, int fileOrdinal, DeltaSink sink) {
        long after = 0;
        while (true) {
            List<ComparisonStore.DeltaRecord> batch = store.deltas(comparisonId, fileOrdinal, null, after, EXPORT_BATCH);
            for (ComparisonStore.DeltaRecord d : batch) {
                sink.accept(ComparisonProtos.delta(delta(d)));
            }
            if (batch.size() < EXPORT_BATCH) {
                return;
            }
            after = batch.getLast().seq();
        }
    }

    /** The ordinal of a file of this comparison, or null for "every file". */
    private Integer fileOrdinal(ComparisonStore.ComparisonRecord c, String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        return store.files(c.id()).stream().filter(f -> f.path().equals(path)).findFirst()
                .map(ComparisonStore.FileRecord::ordinal)
                .orElseThrow(() -> ApiException.invalid("file", "'" + path + "' is not a file of this comparison"));
    }

    private static long afterSeq(String token) {
        String position = PageToken.decode(token);
        try {
            return position == null ? 0 : Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("page_token", "is not a token from a previous response");
        }
    }

    private static Comparison.Builder describe(ComparisonStore.ComparisonRecord c) {
        try {
            return Comparison.newBuilder()
                    .setId(c.id())
                    .setOwnerId(c.ownerId())
                    .setLeftSessionId(c.leftSessionId())
                    .setRightSessionId(c.rightSessionId())
                    .setOptions(ComparisonOptions.parseFrom(c.options()))
                    .setJobId(c.id())
                    .setSummary(ComparisonSummary.parseFrom(c.summary()))
                    .setCreateTime(Protos.timestamp(c.createdAt()));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("comparison " + c.id() + " is unreadable", e);
        }
    }

    private static FileComparison parse(ComparisonStore.FileRecord f) {
        try {
            return FileComparison.parseFrom(f.result());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("file result " + f.path() + " is unreadable", e);
        }
    }

    private static io.ret.api.v1.RowDelta delta(ComparisonStore.DeltaRecord d) {
        try {
            return io.ret.api.v1.RowDelta.parseFrom(d.delta());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("delta " + d.seq() + " is unreadable", e);
        }
    }

}
