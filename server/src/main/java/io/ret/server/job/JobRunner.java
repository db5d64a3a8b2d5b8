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
import java.util.logging.Logger;

import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.observe.BackgroundLoops;

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
    private final Map<String, JobExecution> running = new ConcurrentHashMap<>();
    private final Object wakeUp = new Object();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("job-timers").daemon().factory());
    private final AutoCloseable cancelListener;
    private final BackgroundLoops.Loop dispatchFailures;
    private final BackgroundLoops.Loop heartbeatFailures;
    private final BackgroundLoops.Loop reaperFailures;
    private final AbandonedJobs abandoned;
    private Thread dispatcher;
    private volatile boolean closed;

    /** @param abandoned told of every job a reaper ends, whichever type (not only the handlers run here) */
    public JobRunner(JobStore store, JobEvents events, List<JobHandler> handlers, JobSettings settings, ErrorLog errors,
                     Clock clock, String runnerId, BackgroundLoops loops, AbandonedJobs abandoned) {
        this.abandoned = abandoned;
        this.dispatchFailures = loops.loop("job-dispatch", LOG);
        this.heartbeatFailures = loops.loop("job-heartbeat", LOG);
        this.reaperFailures = loops.loop("job-reaper", LOG);
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
            JobExecution local = running.get(job.id());
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
                dispatchFailures.succeeded();
            } catch (RuntimeException e) {
                dispatchFailures.failed("job dispatch failed; retrying", e);
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
        JobExecution execution = new JobExecution(job, handlers.get(job.type()), store, events, errors, clock, runnerId,
                settings.progressEvery(), JobExecution.ProgressListener.NONE);
        running.put(job.id(), execution);
        Thread.ofVirtual().name("job-" + job.id()).start(() -> {
            try {
                execution.run();
            } finally {
                running.remove(job.id());
                slots.release();
                wake();
            }
        });
    }

    private void heartbeat() {
        try {
            store.heartbeat(runnerId, List.copyOf(running.keySet()), clock.instant());
            heartbeatFailures.succeeded();
        } catch (RuntimeException e) {
            heartbeatFailures.failed("heartbeat failed", e);
        }
    }

    private void reap() {
        try {
            Instant now = clock.instant();
            Instant staleBefore = now.minus(settings.staleAfter());
            for (JobRecord stale : store.stale(staleBefore)) {
                JobState end = store.reap(stale, staleBefore, now);
                if (end != null) {
                    LOG.warning("job " + stale.id() + " lost its runner " + stale.runner() + "; "
                            + (end == JobState.PENDING ? "queued again" : end.name().toLowerCase(java.util.Locale.ROOT)));
                    if (end.terminal()) {
                        abandoned.ended(stale, end);
                    }
                    events.changed(stale.id());
                    wake();
                }
            }
            reaperFailures.succeeded();
        } catch (RuntimeException e) {
            reaperFailures.failed("reaper pass failed", e);
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
        running.values().forEach(JobExecution::shutDown);
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
}
