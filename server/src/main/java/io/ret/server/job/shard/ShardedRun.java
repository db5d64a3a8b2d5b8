package io.ret.server.job.shard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.job.JobCancelledException;
import io.ret.server.job.JobContext;
import io.ret.server.job.JobEvents;
import io.ret.server.job.JobExecution;
import io.ret.server.job.JobExecution.End;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobSettings;
import io.ret.server.job.JobState;
import io.ret.server.job.JobStore;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.grpc.RequestContext;

/**
 * One pod's part of a job that {@code count} pods run at once. The job row is held by the
 * shards together (runner {@code shards:<job id>}), so any of them keeps it alive and none
 * re-queues it: whether a dead pod is run again is the Kubernetes Job's decision (its
 * backoffLimit), and the operator fails the job when the Job fails.
 *
 * <ol>
 * <li>The first pod claims the row and runs {@link ShardedJobHandler#prepare} once (another takes
 *     it over if that pod dies first); then the shards exist and the others join.</li>
 * <li>The pod takes its shard (its completion index, or the first free or abandoned one when the
 *     API server has no Indexed Jobs) and runs it; progress is summed over the shards.</li>
 * <li>The pod that finds every shard done completes the job ({@link ShardedJobHandler#complete})
 *     and marks it SUCCEEDED: exactly one does, guarded by a conditional update of the row.</li>
 * </ol>
 * A failure (other than the pod dying) fails the whole job; a cancel ends it CANCELLED and
 * removes what the shards wrote.
 */
public final class ShardedRun {
    private static final Logger LOG = Logger.getLogger(ShardedRun.class.getName());
    /** Between the shards' runner and the completing pod's id in the row's runner while it completes. */
    public static final String COMPLETER_SUFFIX = ":complete:";
    private static final Duration POLL = Duration.ofMillis(500);

    private final JobStore store;
    private final JobShards shards;
    private final JobEvents events;
    private final ShardedJobHandler handler;
    private final ErrorLog errors;
    private final JobSettings settings;
    private final Clock clock;
    private final String pod;
    private final int count;
    private final JobExecution.ProgressListener listener;
    private final AtomicReference<String> beatingRow = new AtomicReference<>();
    private final AtomicInteger beatingShard = new AtomicInteger(-1);
    private volatile boolean cancelRequested;
    private volatile boolean shuttingDown;

    /**
     * @param pod   this pod's runner id
     * @param count how many shards the job has
     */
    public ShardedRun(JobStore store, JobShards shards, JobEvents events, ShardedJobHandler handler, ErrorLog errors,
                      JobSettings settings, Clock clock, String pod, int count, JobExecution.ProgressListener listener) {
        this.store = store;
        this.shards = shards;
        this.events = events;
        this.handler = handler;
        this.errors = errors;
        this.settings = settings;
        this.clock = clock;
        this.pod = pod;
        this.count = count;
        this.listener = listener;
    }

    /** The runner that holds the row of a sharded job while its shards run. */
    public static String jobRunner(String jobId) {
        return JobStore.SHARDED_RUNNER_PREFIX + jobId;
    }

    public void cancel() {
        cancelRequested = true;
    }

    /** The pod is stopping: its shard stops and stays for the pod that runs it again. */
    public void shutDown() {
        shuttingDown = true;
    }

    /**
     * Runs this pod's part of the job.
     *
     * @param index the pod's completion index, or empty to take a free shard
     * @return SUCCEEDED when this pod's shard is done (the job may still run), RELEASED when the pod
     *         stops with its shard unfinished
     */
    public End run(JobRecord registered, Optional<Integer> index) {
        End[] end = new End[1];
        RequestContext.background("job " + registered.type().name().toLowerCase(java.util.Locale.ROOT) + " shard",
                registered.correlationId(), null).run(() -> end[0] = runInContext(registered.id(), index));
        return end[0];
    }

    private End runInContext(String jobId, Optional<Integer> index) {
        String jobRunner = jobRunner(jobId);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("shard-heartbeat").daemon().factory());
        timers.scheduleWithFixedDelay(() -> heartbeat(jobId), 0, settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        JobRecord job = null;
        try {
            Optional<JobRecord> joined = join(jobId, jobRunner);
            if (joined.isEmpty()) {
                return endOf(store.get(jobId).orElseThrow().state());
            }
            job = joined.get();
            Optional<Shard> shard = takeShard(jobId, index);
            if (shard.isPresent()) {
                long done = runShard(job, jobRunner, shard.get());
                if (!shards.succeeded(jobId, shard.get().index(), pod, done, clock.instant())) {
                    LOG.warning(shard.get() + " of job " + jobId + " was taken from this pod before it finished");
                }
                beatingShard.set(-1);
                LOG.info(shard.get() + " of job " + jobId + " done: " + done + " " + job.type().workUnit());
                shards.jobProgress(jobId, jobRunner, shard.get() + " done", clock.instant());
                events.changed(jobId);
            }
            JobRecord now = store.get(jobId).orElseThrow();
            if (now.state().terminal()) {
                return endOf(now.state());
            }
            complete(job, jobRunner);
            return End.SUCCEEDED;
        } catch (JobCancelledException e) {
            JobState now = store.get(jobId).map(JobRecord::state).orElse(JobState.FAILED);
            boolean cancelled = now == JobState.CANCELLED || !now.terminal() && cancelRequested;
            if (cancelled) {
                // every pod that stops for the cancel removes what the shards wrote, so a pod that wrote
                // after another one cleaned up leaves nothing behind either
                if (job != null) {
                    handler.discard(job);
                }
                finish(jobId, jobRunner, JobState.CANCELLED, null, "CANCELLED", "cancelled by request");
                return End.CANCELLED;
            }
            if (now.terminal()) {
                return endOf(now); // another pod failed the job
            }
            LOG.info("job " + jobId + ": this pod stops; its shard is left for the pod that runs it again");
            return End.RELEASED;
        } catch (ApiException e) {
            finish(jobId, jobRunner, JobState.FAILED, null, e.reason(), e.getMessage());
            return End.FAILED;
        } catch (Exception | LinkageError e) {
            JobRecord failed = job != null ? job : store.get(jobId).orElseThrow();
            LOG.log(Level.SEVERE, "job " + jobId + " (" + failed.type() + ") failed in this pod", e);
            errors.record("job", failed.type().name(), failed.ownerId(), e, failed.correlationId());
            finish(jobId, jobRunner, JobState.FAILED, null, "INTERNAL",
                    "internal error; quote correlation id " + failed.correlationId());
            return End.FAILED;
        } finally {
            timers.shutdownNow();
        }
    }

    /** The row, held by the shards and with its shards created; empty once the job has ended. */
    private Optional<JobRecord> join(String jobId, String jobRunner) throws Exception {
        while (true) {
            checkStopping();
            JobRecord row = store.get(jobId).orElseThrow();
            if (row.state().terminal()) {
                return Optional.empty();
            }
            boolean created = !shards.list(jobId).isEmpty();
            if (row.state() == JobState.PENDING) {
                Optional<JobRecord> claimed = store.claim(jobId, jobRunner, clock.instant());
                if (claimed.isPresent()) {
                    beatingRow.set(jobRunner);
                    if (!created) {
                        prepare(claimed.get(), jobRunner);
                    }
                    return claimed;
                }
            } else if (row.runner() != null && row.runner().startsWith(jobRunner)) {
                beatingRow.compareAndSet(null, jobRunner);
                if (created) {
                    return Optional.of(row);
                }
                // the pod that prepares heartbeats the row; one that went silent is replaced by one of the others
                if (shards.takePreparation(jobId, jobRunner, clock.instant().minus(settings.staleAfter()), clock.instant())) {
                    prepare(row, jobRunner);
                    return Optional.of(row);
                }
                beatingRow.set(null);
            }
            Thread.sleep(POLL);
        }
    }

    private void prepare(JobRecord job, String jobRunner) throws Exception {
        LOG.info("job " + job.id() + ": preparing " + count + " shards");
        long total = handler.prepare(job);
        shards.create(job.id(), count, clock.instant());
        shards.jobTotal(job.id(), jobRunner, total, "running in " + count + " shards", clock.instant());
        events.changed(job.id());
    }

    /** This pod's shard; empty when every shard is done already (the pod only helps complete the job). */
    private Optional<Shard> takeShard(String jobId, Optional<Integer> index) throws InterruptedException {
        if (index.isPresent()) {
            Shard shard = new Shard(index.get(), count);
            if (!shards.take(jobId, shard.index(), pod, clock.instant())) {
                return Optional.empty();
            }
            beatingShard.set(shard.index());
            return Optional.of(shard);
        }
        while (true) {
            checkStopping();
            Instant now = clock.instant();
            Optional<Integer> free = shards.takeFree(jobId, pod, now.minus(settings.staleAfter()), now);
            if (free.isPresent()) {
                beatingShard.set(free.get());
                return Optional.of(new Shard(free.get(), count));
            }
            List<JobShards.Row> rows = shards.list(jobId);
            if (rows.stream().allMatch(r -> r.state() == JobShards.State.SUCCEEDED)
                    || store.get(jobId).orElseThrow().state().terminal()) {
                return Optional.empty();
            }
            Thread.sleep(POLL); // every shard is held by a live pod: wait until one is done or goes silent
        }
    }

    private long runShard(JobRecord job, String jobRunner, Shard shard) throws Exception {
        LOG.info("job " + job.id() + ": running " + shard);
        return handler.runShard(job, shard, new JobContext() {
            private long lastWrite;

            @Override
            public void progress(long done, long total, String phase) {
                long now = System.nanoTime();
                if (now - lastWrite < settings.progressEvery().toNanos()) {
                    return;
                }
                lastWrite = now;
                try {
                    shards.progress(job.id(), shard.index(), pod, done, clock.instant());
                    shards.jobProgress(job.id(), jobRunner, phase + " (" + count + " shards)", clock.instant());
                    JobRecord row = store.get(job.id()).orElseThrow();
                    if (row.cancelRequested() || row.state().terminal()) {
                        cancelRequested = true; // cancelled, or failed by another shard: stop here
                    }
                    events.changed(job.id());
                    listener.progress(row, row.progress(), row.phase());
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "progress of job " + job.id() + " not written: " + e.getMessage());
                }
            }

            @Override
            public boolean cancelled() {
                return cancelRequested || shuttingDown;
            }
        });
    }

    /** Completes the job if every shard is done and no other pod completes it. */
    private void complete(JobRecord job, String jobRunner) throws Exception {
        String completer = jobRunner + COMPLETER_SUFFIX + pod;
        Instant now = clock.instant();
        if (!shards.takeCompletion(job.id(), jobRunner, completer, now.minus(settings.staleAfter()), now)) {
            return; // shards still run, or another pod completes the job
        }
        beatingRow.set(completer);
        LOG.info("job " + job.id() + ": every shard is done; completing it");
        shards.jobProgress(job.id(), completer, "completing", clock.instant()); // the sum of the shards' final counts
        long done = shards.workDone(job.id());
        JobHandler.Outcome outcome = handler.complete(job, done);
        if (!store.finish(job.id(), completer, JobState.SUCCEEDED, outcome.result(), outcome.resultId(), null, null,
                clock.instant())) {
            LOG.warning("job " + job.id() + " was taken from this pod before it completed");
        }
        events.changed(job.id());
        listener.progress(store.get(job.id()).orElse(job), 100, "succeeded");
    }

    private void finish(String jobId, String jobRunner, JobState state, byte[] result, String reason, String message) {
        try {
            String holder = Optional.ofNullable(beatingRow.get()).orElse(jobRunner);
            if (!store.finish(jobId, holder, state, result, null, reason, message, clock.instant())) {
                LOG.warning("job " + jobId + " had ended or moved before this pod could record " + state);
            }
            events.changed(jobId);
            listener.progress(store.get(jobId).orElseThrow(), -1, state.name().toLowerCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot record the end of job " + jobId + ": " + e.getMessage());
        }
    }

    private void heartbeat(String jobId) {
        try {
            Instant now = clock.instant();
            String row = beatingRow.get();
            if (row != null) {
                store.heartbeat(row, List.of(jobId), now);
            }
            int shard = beatingShard.get();
            if (shard >= 0) {
                shards.heartbeat(jobId, shard, pod, now);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "heartbeat of job " + jobId + " failed: " + e.getMessage());
        }
    }

    private void checkStopping() {
        if (cancelRequested || shuttingDown) {
            throw new JobCancelledException();
        }
    }

    private static End endOf(JobState state) {
        return switch (state) {
            case SUCCEEDED -> End.SUCCEEDED;
            case CANCELLED -> End.CANCELLED;
            case FAILED -> End.FAILED;
            case PENDING, RUNNING -> End.RELEASED;
        };
    }
}
