package io.ret.server.job.worker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.ret.operator.api.RetJob;
import io.ret.server.job.JobEvents;
import io.ret.server.job.JobExecution;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobSettings;
import io.ret.server.job.JobState;
import io.ret.server.job.JobStore;
import io.ret.server.platform.observe.BackgroundLoops;

/**
 * One worker pod's run of its job: takes the job row (waiting while another runner holds it),
 * runs it with the same execution code as the server's executor, heartbeats it, watches for a
 * cancel (the job events and {@code spec.cancel}), and on SIGTERM cancels it if that was asked,
 * else hands it back to the queue for the next attempt.
 */
final class WorkerRun {
    private static final Logger LOG = Logger.getLogger(WorkerRun.class.getName());
    private static final Duration CANCEL_POLL = Duration.ofMillis(500);
    private static final Duration CLAIM_POLL = Duration.ofSeconds(2);

    private final JobStore store;
    private final JobEvents events;
    private final Resource<? extends RetJob<?>> resource;
    private final ResourceStatus status;
    private final JobSettings settings;
    private final Clock clock;
    private final String runner;
    private final BackgroundLoops.Loop heartbeatFailures;
    private final BackgroundLoops.Loop cancelPollFailures;

    WorkerRun(JobStore store, JobEvents events, Resource<? extends RetJob<?>> resource, ResourceStatus status,
              JobSettings settings, Clock clock, String runner, BackgroundLoops loops) {
        this.store = store;
        this.events = events;
        this.resource = resource;
        this.status = status;
        this.settings = settings;
        this.clock = clock;
        this.runner = runner;
        this.heartbeatFailures = loops.loop("worker-heartbeat", LOG);
        this.cancelPollFailures = loops.loop("worker-cancel-poll", LOG);
    }

    /** Takes the job; waits while another runner holds it (until the reaper frees it); empty if it is finished. */
    Optional<JobRecord> claim(String jobId) {
        Instant giveUp = clock.instant().plus(settings.staleAfter().multipliedBy(3)).plusSeconds(30);
        while (true) {
            JobRecord row = store.get(jobId).orElseThrow();
            if (row.state().terminal()) {
                return Optional.empty();
            }
            if (row.state() == JobState.PENDING) {
                Optional<JobRecord> claimed = store.claim(jobId, runner, clock.instant());
                if (claimed.isPresent()) {
                    return claimed;
                }
            } else if (runner.equals(row.runner())) {
                return Optional.of(row); // this pod, restarted in place
            }
            if (clock.instant().isAfter(giveUp)) {
                throw new IllegalStateException("job " + jobId + " is held by " + row.runner() + " and was not released");
            }
            status.message("waiting: job held by runner " + row.runner());
            try {
                Thread.sleep(CLAIM_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for job " + jobId, e);
            }
        }
    }

    /** A run this class drives: the whole job ({@link JobExecution}) or one shard of it. */
    interface Stoppable {
        JobExecution.End run();

        /** The job was cancelled. */
        void cancel();

        /** The pod is stopping (SIGTERM) without a cancel. */
        void shutDown();
    }

    /** Runs the claimed job to its end; the exit code the pod ends with. */
    int execute(JobExecution execution) {
        return execute(execution.job().id(), new Stoppable() {
            @Override
            public JobExecution.End run() {
                return execution.run();
            }

            @Override
            public void cancel() {
                execution.cancel();
            }

            @Override
            public void shutDown() {
                execution.shutDown();
            }
        });
    }

    /** Runs {@code execution} (of job {@code jobId}) to its end; the exit code the pod ends with. */
    int execute(String jobId, Stoppable execution) {
        AutoCloseable cancelListener = events.listenAll(job -> {
            if (job.id().equals(jobId) && job.cancelRequested()) {
                execution.cancel();
            }
        });
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("worker-timers").daemon().factory());
        timers.scheduleWithFixedDelay(() -> {
            try {
                store.heartbeat(runner, List.of(jobId), clock.instant());
                heartbeatFailures.succeeded();
            } catch (RuntimeException e) {
                heartbeatFailures.failed("heartbeat failed", e);
            }
        }, 0, settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        // kubectl users cancel by setting spec.cancel; checked often so the job stops within about a second
        timers.scheduleWithFixedDelay(() -> {
            if (cancelFlagged()) {
                store.requestCancel(jobId, clock.instant());
                execution.cancel();
            }
        }, CANCEL_POLL.toMillis(), CANCEL_POLL.toMillis(), TimeUnit.MILLISECONDS);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // SIGTERM: cancelled if that was asked, else back to the queue for the next attempt
            if (cancelFlagged()) {
                execution.cancel();
            }
            execution.shutDown();
            try {
                finished.await(25, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "worker-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            JobExecution.End end = execution.run();
            LOG.info("job " + jobId + " ended: " + end);
            if (end != JobExecution.End.RELEASED) {
                // before exiting: the operator reads it to tell a job that succeeded from one cancelled
                status.outcome(store.get(jobId).orElseThrow().state());
            }
            return switch (end) {
                case SUCCEEDED, CANCELLED -> Worker.OK;
                case FAILED -> Worker.FAILED;
                case RELEASED -> Worker.STOPPED;
            };
        } finally {
            finished.countDown();
            timers.shutdownNow();
            try {
                cancelListener.close();
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (Exception ignored) {
                // already shutting down
            }
        }
    }

    private boolean cancelFlagged() {
        try {
            RetJob<?> current = resource.get();
            cancelPollFailures.succeeded();
            return current == null || current.getSpec().cancelRequested(); // a deleted resource stops its worker
        } catch (RuntimeException e) {
            cancelPollFailures.failed("cannot read spec.cancel", e);
            return false;
        }
    }
}
