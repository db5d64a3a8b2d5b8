package io.ret.server.comparison;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.ret.api.v1.JobResult;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.job.JobCancelledException;
import io.ret.server.job.JobContext;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobType;
import io.ret.server.platform.error.ApiException;
import io.ret.server.session.OutputRecord;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;

/**
 * Runs a comparison job: diffs the two sessions' output trees with the
 * streaming engine, writing deltas in batches as they come, and publishes the
 * comparison (its row and per-file results) only when everything is done. A
 * failed or cancelled run removes its deltas. The comparison's id is the job's.
 */
public final class ComparisonJobHandler implements JobHandler {
    private static final int DELTA_BATCH = 1000;

    private final ComparisonStore comparisons;
    private final SessionStore sessions;
    private final SessionStorage storage;
    private final ComparisonSettings settings;
    private final Clock clock;

    public ComparisonJobHandler(ComparisonStore comparisons, SessionStore sessions, SessionStorage storage,
                                ComparisonSettings settings, Clock clock) {
        this.comparisons = comparisons;
        this.sessions = sessions;
        this.storage = storage;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public JobType type() {
        return JobType.COMPARISON;
    }

    @Override
    public Outcome run(JobRecord job, JobContext context) throws Exception {
        StartComparisonRequest request = StartComparisonRequest.parseFrom(job.params());
        SessionRecord left = converted(request.getLeftSessionId());
        SessionRecord right = converted(request.getRightSessionId());
        Path work = settings.workDir().resolve(job.id());
        DiffOptions options = ComparisonProtos.options(request.getOptions(), settings.memoryBudgetBytes(), work);
        FileMatch match = ComparisonProtos.match(request.getOptions().getFileMatch());
        // checked when the comparison was started too; outputs are replaced when a session is converted again
        ComparisonProtos.refuseMismatch(storage.outputsDir(left), storage.outputsDir(right), match, options);
        Files.createDirectories(work);
        long total = rows(left) + rows(right);
        comparisons.discardDeltas(job.id());
        Sink sink = new Sink(job.id());
        DiffSummary summary;
        try {
            long[] done = {0};
            summary = TreeDiff.diff(storage.outputsDir(left), storage.outputsDir(right), match, options, sink,
                    new DiffProgress() {
                        @Override
                        public void rowsProcessed(long delta) {
                            done[0] += delta;
                            context.progress(done[0], total, "comparing");
                        }

                        @Override
                        public boolean cancelled() {
                            return context.cancelled();
                        }
                    });
            sink.flush();
        } catch (DiffCancelledException e) {
            comparisons.discardDeltas(job.id());
            throw new JobCancelledException();
        } catch (Exception | Error e) {
            comparisons.discardDeltas(job.id());
            throw e;
        } finally {
            SessionStorage.deleteTree(work);
        }
        List<ComparisonStore.FileRecord> files = new ArrayList<>();
        for (FileDiff f : summary.files()) {
            // the ordinal its deltas were written under (files without deltas get the next free ones)
            int ordinal = sink.ordinal(f.path());
            List<List<String>> header = sink.headers.getOrDefault(f.path(), List.of(List.of(), List.of()));
            files.add(new ComparisonStore.FileRecord(ordinal, f.path(), ComparisonProtos.file(f).toByteArray(),
                    header.get(0), header.get(1)));
        }
        var summaryProto = ComparisonProtos.summary(summary);
        comparisons.publish(new ComparisonStore.ComparisonRecord(job.id(), job.ownerId(), left.id(), right.id(),
                request.getOptions().toByteArray(), summaryProto.toByteArray(), clock.instant()), files);
        return new Outcome(JobResult.newBuilder().setComparison(summaryProto).build().toByteArray(), job.id());
    }

    private SessionRecord converted(String id) {
        SessionRecord session = sessions.get(id)
                .orElseThrow(() -> ApiException.failedPrecondition("SESSION_GONE", "session " + id + " was deleted"));
        if (!session.hasOutputs()) {
            throw ApiException.failedPrecondition("NOT_CONVERTED", "session " + id + " has no outputs");
        }
        return session;
    }

    private long rows(SessionRecord session) {
        return sessions.allOutputs(session.id()).stream().mapToLong(OutputRecord::rows).sum();
    }

    /** Collects each file's headers and writes deltas in batches, numbered in the order they come. */
    private final class Sink implements DeltaSink {
        private final String comparisonId;
        private final Map<String, List<List<String>>> headers = new HashMap<>();
        private final List<ComparisonStore.DeltaRecord> batch = new ArrayList<>(DELTA_BATCH);
        private final Map<String, Integer> ordinals = new HashMap<>();
        private long seq;

        Sink(String comparisonId) {
            this.comparisonId = comparisonId;
        }

        int ordinal(String file) {
            return ordinals.computeIfAbsent(file, f -> ordinals.size());
        }

        @Override
        public void beginFile(String file, List<String> leftColumns, List<String> rightColumns) {
            headers.put(file, List.of(List.copyOf(leftColumns), List.copyOf(rightColumns)));
            ordinal(file);
        }

        @Override
        public void accept(RowDelta delta) {
            batch.add(new ComparisonStore.DeltaRecord(++seq, ordinal(delta.file()), delta.type().name(),
                    ComparisonProtos.delta(delta).toByteArray()));
            if (batch.size() == DELTA_BATCH) {
                flush();
            }
        }

        void flush() {
            comparisons.insertDeltas(comparisonId, batch);
            batch.clear();
        }
    }
}
