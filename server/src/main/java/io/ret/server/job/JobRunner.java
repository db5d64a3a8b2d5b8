package io.ret.server.job;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.grpc.RequestContext;

/**
 * The in-process executor: runs pending jobs on virtual threads, at most
 * {@code concurrency} at once, highest priority first; heartbeats them; and,
 * on every instance, reaps jobs whose runner went silent. Cancellation reaches
 * a running job through the job events and, as a fallback, through each
 * progress write.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());

    private final JobStore store;
    private final JobEvents events;
    private final Map<JobType, JobHandler> handlers;
    private final JobSettings settings;
    private final ErrorLog errors;
    private final Clock clock;
    private final String runnerId;
    private final Semaphore slots;
    private final Map<String, RunningJob> running = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("job-timers").daemon().factory());
    private final AutoCloseable cancelListener;
    private Thread dispatcher;
    private volatile boolean closed;

    public JobRunner(JobStore store, JobEvents events, List<JobHandler> handlers, JobSettings settings, ErrorLog errors,
                     Clock clock, String runnerId) {
        this.store = store;
        this.events = events;
        this.handlers = new ConcurrentHashMap<>();
        handlers.forEach(h -> this.handlers.put(h.type(), h));
        this.settings = settings;
        this.errors = errors;
        this.clock = clock;
        this.runnerId = runnerId;
        this.slots = new Semaphore(settings.concurrency());
        this.cancelListener = events.listenAll(job -> {
            RunningJob local = running.get(job.id());
            if (local != null && job.cancelRequested()) {
                local.cancel();
            }
        });
    }

    /** Starts dispatching, heartbeating and reaping. */
    public void start() {
        dispatcher = Thread.ofVirtual().name("job-dispatcher").start(this::dispatchLoop);
        long beat = settings.heartbeat().toMillis();
        timers.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        long reap = Math.max(200, settings.staleAfter().toMillis() / 2);
        timers.scheduleWithFixedDelay(this::reap, reap, reap, TimeUnit.MILLISECONDS);
    }

    /** Looks for work now instead of at the next poll (called after a job is submitted). */
    public void wake() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    public int runningCount() {
        return running.size();
    }

    private void dispatchLoop() {
        List<JobType> types = new ArrayList<>(handlers.keySet());
        while (!closed) {
            try {
                int free = slots.availablePermits();
                if (free > 0 && !types.isEmpty()) {
                    for (String id : store.pending(types, free)) {
                        if (!slots.tryAcquire()) {
                            break;
                        }
                        var claimed = store.claim(id, runnerId, clock.instant());
                        if (claimed.isPresent()) {
                            events.publish(claimed.get());
                            start(claimed.get());
                        } else {
                            slots.release();
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "job dispatch failed (" + e.getMessage() + "); retrying");
            }
            synchronized (wakeUp) {
                try {
                    wakeUp.wait(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void start(JobRecord job) {
        RunningJob run = new RunningJob(job);
        running.put(job.id(), run);
        Thread.ofVirtual().name("job-" + job.id()).start(() -> RequestContext
                .background("job " + job.type().name().toLowerCase(java.util.Locale.ROOT), job.correlationId(), null)
                .run(() -> execute(run)));
    }

    private void execute(RunningJob run) {
        JobRecord job = run.job;
        JobHandler handler = handlers.get(job.type());
        try {
            JobHandler.Outcome outcome = handler.run(job, run);
            finish(job, JobState.SUCCEEDED, outcome.result(), outcome.resultId(), null, null);
        } catch (JobCancelledException e) {
            if (run.shuttingDown && !run.cancelRequested) {
                requeue(job);
            } else {
                finish(job, JobState.CANCELLED, null, null, "CANCELLED", "cancelled by request");
            }
        } catch (ApiException e) {
            finish(job, JobState.FAILED, null, null, e.reason(), e.getMessage());
        } catch (Exception | LinkageError e) {
            LOG.log(Level.SEVERE, "job " + job.id() + " (" + job.type() + ") failed", e);
            errors.record("job", job.type().name(), job.ownerId(), e, job.correlationId());
            finish(job, JobState.FAILED, null, null, "INTERNAL", "internal error; quote correlation id " + job.correlationId());
        } finally {
            running.remove(job.id());
            slots.release();
            wake();
        }
    }

    private void finish(JobRecord job, JobState state, byte[] result, String resultId, String reason, String message) {
        try {
            if (!store.finish(job.id(), runnerId, state, result, resultId, reason, message, clock.instant())) {
                LOG.warning("job " + job.id() + " was taken from this runner before it finished (state " + state + " dropped)");
            }
            events.changed(job.id());
        } catch (RuntimeException e) {
            // the database is away: the reaper settles the job once it is back
            LOG.log(Level.WARNING, "cannot record the end of job " + job.id() + ": " + e.getMessage());
        }
    }

    /** A job interrupted by this server's shutdown goes back to the queue for another runner. */
    private void requeue(JobRecord job) {
        try {
            store.release(job.id(), runnerId, clock.instant());
            events.changed(job.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot re-queue job " + job.id() + ": " + e.getMessage());
        }
    }

    private void heartbeat() {
        try {
            store.heartbeat(runnerId, List.copyOf(running.keySet()), clock.instant());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "heartbeat failed: " + e.getMessage());
        }
    }

    private void reap() {
        try {
            Instant now = clock.instant();
            Instant staleBefore = now.minus(settings.staleAfter());
            for (JobRecord stale : store.stale(staleBefore)) {
                if (store.reap(stale, staleBefore, now)) {
                    LOG.warning("job " + stale.id() + " lost its runner " + stale.runner() + "; "
                            + (stale.attempts() < stale.maxAttempts() ? "queued again" : "failed"));
                    events.changed(stale.id());
                    wake();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "reaper pass failed: " + e.getMessage());
        }
    }

    /**
     * Stops taking work; running jobs are asked to stop and go back to the
     * queue (waiting up to {@code graceMillis}); whatever is left is found by a reaper.
     */
    public void close(long graceMillis) {
        closed = true;
        if (dispatcher != null) {
            dispatcher.interrupt();
        }
        running.values().forEach(RunningJob::shutDown);
        long deadline = System.currentTimeMillis() + graceMillis;
        while (!running.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timers.shutdownNow();
        try {
            cancelListener.close();
        } catch (Exception ignored) {
            // nothing to release
        }
    }

    @Override
    public void close() {
        close(5000);
    }

    /** One job running here, and the context its handler sees. */
    private final class RunningJob implements JobContext {
        final JobRecord job;
        private volatile boolean cancelRequested;
        private volatile boolean shuttingDown;
        private long lastWrite;
        private String lastPhase = "";

        RunningJob(JobRecord job) {
            this.job = job;
        }

        void cancel() {
            cancelRequested = true;
        }

        void shutDown() {
            shuttingDown = true;
        }

        @Override
        public boolean cancelled() {
            return cancelRequested || shuttingDown;
        }

        @Override
        public synchronized void progress(long done, long total, String phase) {
            long now = System.nanoTime();
            // a bounded write rate, but a new phase is always shown
            if (phase.equals(lastPhase) && now - lastWrite < settings.progressEvery().toNanos()) {
                return;
            }
            lastWrite = now;
            lastPhase = phase;
            int percent = total <= 0 ? 0 : (int) Math.min(99, done * 100 / total);
            try {
                if (store.progress(job.id(), runnerId, percent, phase, done, total, clock.instant())) {
                    cancelRequested = true;
                }
                events.changed(job.id());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "progress of job " + job.id() + " not written: " + e.getMessage());
            }
        }
    }
}
