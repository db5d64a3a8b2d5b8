package io.ret.server.conversion;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.ret.api.v1.JobResult;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.job.JobCancelledException;
import io.ret.server.job.JobContext;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobState;
import io.ret.server.job.JobType;
import io.ret.server.platform.error.ApiException;
import io.ret.server.session.OutputBudget;
import io.ret.server.session.OutputBudgetWatch;
import io.ret.server.session.OutputRecord;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;
import io.ret.server.session.archive.ArchiveRejectedException;

/**
 * Runs a conversion job: converts the session's archive into a staging
 * directory, then publishes it (rename, then one transaction for the output
 * rows), so a failed or cancelled run leaves the previous outputs, or none,
 * and nothing half-written.
 */
public final class ConversionJobHandler implements JobHandler {
    private final SessionStore sessions;
    private final SessionStorage storage;
    private final io.ret.server.session.archive.ArchiveLimits limits;
    private final OutputBudget budget;
    private final Clock clock;

    public ConversionJobHandler(SessionStore sessions, SessionStorage storage,
                                io.ret.server.session.archive.ArchiveLimits limits, OutputBudget budget, Clock clock) {
        this.sessions = sessions;
        this.storage = storage;
        this.limits = limits;
        this.budget = budget;
        this.clock = clock;
    }

    @Override
    public JobType type() {
        return JobType.CONVERSION;
    }

    @Override
    public Outcome run(JobRecord job, JobContext context) throws Exception {
        SessionRecord session = sessions.get(job.subjectId())
                .orElseThrow(() -> ApiException.failedPrecondition("SESSION_GONE", "the session was deleted"));
        io.ret.api.v1.ConversionOptions requested = io.ret.api.v1.ConversionOptions.parseFrom(job.params());
        ConversionOptions options = ConversionRequests.options(requested);
        if (!requested.getLayoutFromSessionId().isEmpty()) {
            options = options.withPreviousLayout(previousLayout(requested.getLayoutFromSessionId()));
        }
        Path staging = storage.staging(session.id(), job.id());
        SessionStorage.deleteTree(staging); // a previous attempt's leftovers
        sessions.setState(session.id(), SessionRecord.State.CONVERTING, clock.instant());
        ConversionSummary summary;
        ConversionProgress progress;
        try (OutputBudgetWatch watch = OutputBudgetWatch.start(budget, staging, storage.root(),
                sessions.idsOf(session.ownerId()).stream().map(storage::sessionDir).toList())) {
            progress = progress(context, watch);
            try {
                summary = new ArchiveConverter(options, limits).convert(storage.archive(session.id()), staging, progress);
            } catch (ConversionCancelledException e) {
                SessionStorage.deleteTree(staging);
                if (watch.exceeded() != null) {
                    throw overBudget(session, watch);
                }
                restoreState(session, false);
                throw new JobCancelledException();
            }
            if (watch.checkNow() != null) {
                SessionStorage.deleteTree(staging);
                throw overBudget(session, watch);
            }
        } catch (ArchiveRejectedException e) {
            restoreState(session, true);
            throw ApiException.failedPrecondition("ARCHIVE_" + e.reason().name(), e.getMessage());
        } catch (KeyColumnRejectedException e) {
            SessionStorage.deleteTree(staging);
            restoreState(session, true);
            throw e.reason() == KeyColumnRejectedException.Reason.NOT_UNIQUE
                    ? ApiException.failedPrecondition("KEY_COLUMN_NOT_UNIQUE", e.getMessage())
                    : ApiException.failedPrecondition("KEY_COLUMN_UNKNOWN", e.getMessage());
        } catch (ApiException | JobCancelledException e) {
            throw e; // the session's state is already set
        } catch (Exception | Error e) {
            SessionStorage.deleteTree(staging);
            restoreState(session, true);
            throw e;
        }
        if (summary.filesSucceeded() == 0) {
            SessionStorage.deleteTree(staging);
            restoreState(session, true);
            FileFailure first = summary.failures().isEmpty() ? null : summary.failures().getFirst();
            throw ApiException.failedPrecondition("NO_FILE_CONVERTED", "none of the " + summary.filesTotal()
                    + " XML file(s) converted" + (first == null ? "" : "; first failure: " + first.path() + ": "
                    + first.reason() + (first.line() > 0 ? " (line " + first.line() + ", column " + first.column() + ")" : "")));
        }
        if (context.cancelled()) {
            SessionStorage.deleteTree(staging);
            restoreState(session, false);
            throw new JobCancelledException();
        }
        progress.phase("publishing the outputs"); // a new phase is always written: work done == total, for SUCCEEDED
        publish(session, job, staging, summary);
        return new Outcome(JobResult.newBuilder().setConversion(ConversionRequests.summary(summary)).build().toByteArray(),
                null);
    }

    /**
     * A conversion whose runner died (reaped) or whose worker pod can no longer report (settled):
     * the session leaves CONVERTING as after a failure (stale with its earlier outputs, else failed)
     * or, when cancelled, as after a cancel; the run's staging directory goes if it is on this volume.
     */
    @Override
    public void abandoned(JobRecord job, JobState end) {
        SessionRecord session = sessions.get(job.subjectId()).orElse(null);
        if (session == null) {
            return;
        }
        SessionRecord.State state = session.hasOutputs()
                ? (end == JobState.CANCELLED ? SessionRecord.State.CONVERTED : SessionRecord.State.STALE)
                : (end == JobState.CANCELLED ? SessionRecord.State.UPLOADED : SessionRecord.State.FAILED);
        if (sessions.endConversion(session.id(), job.id(), state, clock.instant())) {
            SessionStorage.deleteTree(storage.staging(session.id(), job.id()));
        }
    }

    private void publish(SessionRecord session, JobRecord job, Path staging, ConversionSummary summary) throws Exception {
        String dirName = SessionStorage.outputsDirName(job.id());
        storage.publish(staging, session.id(), dirName);
        List<OutputRecord> outputs = new ArrayList<>();
        for (TableOutput t : summary.outputs()) {
            outputs.add(new OutputRecord(session.id(), outputs.size(), t.path(), t.sourcePath(), t.table(), t.bytes(),
                    t.rows(), t.columns(), null));
        }
        sessions.publishOutputs(session.id(), dirName, job.id(), outputs, clock.instant());
        if (session.outputsDir() != null && !session.outputsDir().equals(dirName)) {
            storage.deleteChild(session.id(), session.outputsDir());
        }
    }

    private ApiException overBudget(SessionRecord session, OutputBudgetWatch watch) {
        restoreState(session, true);
        return ApiException.resourceExhausted("OUTPUT_BUDGET", "conversion stopped and its output removed: "
                + watch.exceeded(), null);
    }

    /**
     * After a failure: stale if the session keeps earlier outputs, else failed. After a
     * cancel: as before the run (converted or stale with outputs, else uploaded).
     */
    private void restoreState(SessionRecord before, boolean failed) {
        SessionRecord.State state;
        if (before.hasOutputs()) {
            state = failed || before.state() == SessionRecord.State.STALE ? SessionRecord.State.STALE
                    : SessionRecord.State.CONVERTED;
        } else {
            state = failed ? SessionRecord.State.FAILED : SessionRecord.State.UPLOADED;
        }
        sessions.setState(before.id(), state, clock.instant());
    }

    /** The schema of the session whose layout is to be kept (its owner was checked when the job started). */
    private DataPackage previousLayout(String sessionId) throws java.io.IOException {
        SessionRecord earlier = sessions.get(sessionId).orElseThrow(() -> ApiException.failedPrecondition("NO_LAYOUT",
                "session " + sessionId + " to take the layout from was deleted"));
        Path dir = storage.outputsDir(earlier);
        if (!DataPackage.exists(dir)) {
            throw ApiException.failedPrecondition("NO_LAYOUT", "session " + sessionId + " has no schema");
        }
        return DataPackage.read(dir);
    }

    /**
     * The job's progress; work done never passes the total (the converter guarantees it; this keeps
     * it so whatever it reports). It asks the conversion to stop when the job is cancelled or out of budget.
     */
    private static ConversionProgress progress(JobContext context, OutputBudgetWatch watch) {
        AtomicLong total = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicReference<String> phase = new AtomicReference<>("starting");
        return new ConversionProgress() {
            @Override
            public void start(long totalBytes) {
                total.set(totalBytes);
                context.progress(0, totalBytes, phase.get());
            }

            @Override
            public void bytesRead(long delta) {
                long now = done.updateAndGet(d -> Math.min(total.get(), d + delta));
                context.progress(now, total.get(), phase.get());
            }

            @Override
            public void phase(String name) {
                phase.set(name);
                context.progress(done.get(), total.get(), name);
            }

            @Override
            public boolean cancelled() {
                return context.cancelled() || watch.exceeded() != null;
            }
        };
    }
}
