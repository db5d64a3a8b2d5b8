package io.ret.server.job;

import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.opentelemetry.context.Scope;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.grpc.RequestContext;

/**
 * One run of one claimed job, the same wherever it runs (the server's executor
 * or a worker pod): the handler's context (progress at a bounded rate,
 * cancellation), and the end written to the row: SUCCEEDED with its result,
 * FAILED with a reason, CANCELLED, or back to PENDING when the runner itself
 * is stopping.
 */
public final class JobExecution implements JobContext {
    private static final Logger LOG = Logger.getLogger(JobExecution.class.getName());

    public enum End { SUCCEEDED, FAILED, CANCELLED, RELEASED }

    /** Also told about progress (a worker mirrors it into its custom resource). */
    public interface ProgressListener {
        ProgressListener NONE = (job, percent, phase) -> { };

        void progress(JobRecord job, int percent, String phase);
    }

    private final JobRecord job;
    private final JobHandler handler;
    private final JobStore store;
    private final JobEvents events;
    private final ErrorLog errors;
    private final Clock clock;
    private final String runnerId;
    private final Duration progressEvery;
    private final ProgressListener listener;
    private volatile boolean cancelRequested;
    private volatile boolean shuttingDown;
    private long lastWrite;
    private String lastPhase = "";
    private volatile JobSpans spans;
    private String failure;

    public JobExecution(JobRecord job, JobHandler handler, JobStore store, JobEvents events, ErrorLog errors,
                        Clock clock, String runnerId, Duration progressEvery, ProgressListener listener) {
        this.job = job;
        this.handler = handler;
        this.store = store;
        this.events = events;
        this.errors = errors;
        this.clock = clock;
        this.runnerId = runnerId;
        this.progressEvery = progressEvery;
        this.listener = listener;
    }

    public JobRecord job() {
        return job;
    }

    /** CancelJob was called for this job. */
    public void cancel() {
        cancelRequested = true;
    }

    /** The runner is stopping: the handler is asked to stop and the job goes back to the queue. */
    public void shutDown() {
        shuttingDown = true;
    }

    /** Runs the handler in the job's correlation context (and trace, when on) and records how it ended. */
    public End run() {
        End[] end = new End[1];
        spans = JobSpans.start(job, store);
        try (Scope ignored = spans == null ? null : spans.context().makeCurrent()) {
            RequestContext.background("job " + job.type().name().toLowerCase(java.util.Locale.ROOT), job.correlationId(), null)
                    .run(() -> end[0] = execute());
        } finally {
            if (spans != null) {
                spans.end(end[0] == null ? End.FAILED : end[0], failure);
            }
        }
        return end[0];
    }

    private End execute() {
        try {
            JobHandler.Outcome outcome = handler.run(job, this);
            finish(JobState.SUCCEEDED, outcome.result(), outcome.resultId(), null, null);
            return End.SUCCEEDED;
        } catch (JobCancelledException e) {
            if (shuttingDown && !cancelRequested) {
                release();
                return End.RELEASED;
            }
            finish(JobState.CANCELLED, null, null, "CANCELLED", "cancelled by request");
            return End.CANCELLED;
        } catch (ApiException e) {
            failure = e.reason();
            finish(JobState.FAILED, null, null, e.reason(), e.getMessage());
            return End.FAILED;
        } catch (Exception | LinkageError e) {
            LOG.log(Level.SEVERE, "job " + job.id() + " (" + job.type() + ") failed", e);
            errors.record("job", job.type().name(), job.ownerId(), e, job.correlationId());
            failure = "INTERNAL";
            finish(JobState.FAILED, null, null, "INTERNAL", "internal error; quote correlation id " + job.correlationId());
            return End.FAILED;
        }
    }

    private void finish(JobState state, byte[] result, String resultId, String reason, String message) {
        try {
            if (!store.finish(job.id(), runnerId, state, result, resultId, reason, message, clock.instant())) {
                LOG.warning("job " + job.id() + " was taken from this runner before it finished (state " + state + " dropped)");
            }
            events.changed(job.id());
            listener.progress(store.get(job.id()).orElse(job), state == JobState.SUCCEEDED ? 100 : -1,
                    state.name().toLowerCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            // the database is away: the reaper settles the job once it is back
            LOG.log(Level.WARNING, "cannot record the end of job " + job.id() + ": " + e.getMessage());
        }
    }

    private void release() {
        try {
            store.release(job.id(), runnerId, clock.instant());
            events.changed(job.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot re-queue job " + job.id() + ": " + e.getMessage());
        }
    }

    @Override
    public boolean cancelled() {
        return cancelRequested || shuttingDown;
    }

    @Override
    public synchronized void progress(long done, long total, String phase) {
        long now = System.nanoTime();
        // a bounded write rate, but a new phase is always shown
        if (phase.equals(lastPhase) && now - lastWrite < progressEvery.toNanos()) {
            return;
        }
        lastWrite = now;
        if (spans != null && !phase.equals(lastPhase)) {
            spans.phase(phase);
        }
        lastPhase = phase;
        int percent = total <= 0 ? 0 : (int) Math.min(99, done * 100 / total);
        try {
            if (store.progress(job.id(), runnerId, percent, phase, done, total, clock.instant())) {
                cancelRequested = true;
            }
            events.changed(job.id());
            listener.progress(job, percent, phase);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "progress of job " + job.id() + " not written: " + e.getMessage());
        }
    }
}
