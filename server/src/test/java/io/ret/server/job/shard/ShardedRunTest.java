package io.ret.server.job.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.ret.server.job.JobContext;
import io.ret.server.job.JobEvents;
import io.ret.server.job.JobExecution;
import io.ret.server.job.JobExecution.End;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobSettings;
import io.ret.server.job.JobState;
import io.ret.server.job.JobStore;
import io.ret.server.job.JobType;
import io.ret.server.platform.Engines;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.testing.TestServer;

/**
 * How the pods of a sharded job share it, on MariaDB and Redis: several runs at once, as the pods
 * of an Indexed Job would be. The handler here records what it is asked to do (each shard's work
 * is a set of numbered units), so the test can count that everything happens exactly once; the
 * real indexing handler is run by the worker end-to-end tests.
 */
class ShardedRunTest {
    private static final long UNITS = 60;

    private static TestServer server;
    private static Engines engines;
    private static JobStore store;
    private static JobShards shards;
    private static JobEvents events;
    private static JobSettings settings;

    @BeforeAll
    static void start() {
        // an API-only server: its reaper runs, its executor takes no jobs
        server = TestServer.builder().set("ret.jobs.concurrency", "0").start();
        engines = Engines.open(server.config());
        store = new JobStore(engines.db());
        shards = new JobShards(engines.db());
        events = new JobEvents(engines.redis(), store);
        settings = JobSettings.from(server.config().settings());
    }

    @AfterAll
    static void stop() {
        events.close();
        engines.close();
        server.close();
    }

    /** Units 0..UNITS-1; a shard does those it owns. Counts every call, and can be made to block or fail. */
    private static final class RecordingHandler implements ShardedJobHandler {
        final AtomicInteger prepared = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger discarded = new AtomicInteger();
        final Map<Long, AtomicInteger> written = new ConcurrentHashMap<>();
        volatile CountDownLatch holdShard = new CountDownLatch(0);
        volatile int failShard = -1;

        @Override
        public JobType type() {
            return JobType.INDEXING;
        }

        @Override
        public long prepare(JobRecord job) {
            prepared.incrementAndGet();
            written.clear();
            return UNITS;
        }

        @Override
        public long runShard(JobRecord job, Shard shard, JobContext context) throws Exception {
            if (shard.index() == failShard) {
                throw ApiException.failedPrecondition("SESSION_GONE", "the session was deleted");
            }
            long done = 0;
            for (long unit = 0; unit < UNITS; unit++) {
                if (!shard.owns(unit)) {
                    continue;
                }
                // an idempotent write, as an upsert by chunk id is: a second run of a unit replaces the first
                written.computeIfAbsent(unit, u -> new AtomicInteger()).set(1);
                context.progress(++done, UNITS / shard.count(), "working");
                while (holdShard.getCount() > 0 && !holdShard.await(20, TimeUnit.MILLISECONDS)) {
                    context.checkCancelled();
                }
            }
            return done;
        }

        @Override
        public JobHandler.Outcome complete(JobRecord job, long workDone) {
            completed.incrementAndGet();
            return new JobHandler.Outcome(new byte[0], null);
        }

        @Override
        public void discard(JobRecord job) {
            discarded.incrementAndGet();
            written.clear();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30 s").isLessThan(giveUp);
            Thread.sleep(20);
        }
    }

    private static JobRecord newJob() {
        JobRecord job = JobRecord.pending(UUID.randomUUID().toString(), JobType.INDEXING, UUID.randomUUID().toString(), 0,
                UUID.randomUUID().toString(), new byte[0], 2, UUID.randomUUID().toString(), Clock.systemUTC().instant());
        store.insert(job);
        return job;
    }

    private static ShardedRun pod(RecordingHandler handler, int count) {
        return new ShardedRun(store, shards, events, handler, new ErrorLog(engines.db()), settings, Clock.systemUTC(),
                "pod-" + UUID.randomUUID(), count, JobExecution.ProgressListener.NONE);
    }

    @Test
    void threePodsAtOncePrepareOnceRunEachShardOnceAndCompleteOnce() throws Exception {
        JobRecord job = newJob();
        RecordingHandler handler = new RecordingHandler();
        ExecutorService pods = Executors.newFixedThreadPool(3);
        List<Future<End>> ends = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            int i = index;
            ends.add(pods.submit(() -> pod(handler, 3).run(job, Optional.of(i))));
        }
        for (Future<End> end : ends) {
            assertThat(end.get(60, TimeUnit.SECONDS)).isEqualTo(End.SUCCEEDED);
        }
        pods.shutdown();

        JobRecord done = store.get(job.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.progress()).isEqualTo(100);
        assertThat(done.workDone()).isEqualTo(UNITS);
        assertThat(handler.prepared).hasValue(1);
        assertThat(handler.completed).hasValue(1);
        assertThat(handler.written).hasSize((int) UNITS);
        assertThat(shards.list(job.id())).extracting(JobShards.Row::state, JobShards.Row::attempts)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(JobShards.State.SUCCEEDED, 1));
    }

    @Test
    void aPodWithoutAnIndexTakesTheShardOfAPodThatStoppedAndTheJobCompletesOnce() throws Exception {
        JobRecord job = newJob();
        RecordingHandler handler = new RecordingHandler();
        handler.holdShard = new CountDownLatch(1);
        ShardedRun stopping = pod(handler, 2);
        ExecutorService pods = Executors.newFixedThreadPool(2);
        Future<End> first = pods.submit(() -> stopping.run(job, Optional.empty()));
        awaitTrue(() -> shards.workDone(job.id()) > 0);
        stopping.shutDown(); // SIGTERM without a cancel: the shard stays for the pod that runs it again
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(End.RELEASED);
        handler.holdShard = new CountDownLatch(0);

        // the Job's new pod and the other shard's pod, neither told its index
        Future<End> second = pods.submit(() -> pod(handler, 2).run(job, Optional.empty()));
        Future<End> third = pods.submit(() -> pod(handler, 2).run(job, Optional.empty()));
        assertThat(second.get(60, TimeUnit.SECONDS)).isEqualTo(End.SUCCEEDED);
        assertThat(third.get(60, TimeUnit.SECONDS)).isEqualTo(End.SUCCEEDED);
        pods.shutdown();

        JobRecord done = store.get(job.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.workDone()).as("the rerun shard counts its last run only").isEqualTo(UNITS);
        assertThat(handler.prepared).hasValue(1);
        assertThat(handler.completed).hasValue(1);
        assertThat(handler.written).hasSize((int) UNITS);
        assertThat(shards.list(job.id())).extracting(JobShards.Row::attempts).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void aFailingShardFailsTheJobAndTheOtherPodsStop() throws Exception {
        JobRecord job = newJob();
        RecordingHandler handler = new RecordingHandler();
        handler.failShard = 1;
        handler.holdShard = new CountDownLatch(1);
        ExecutorService pods = Executors.newFixedThreadPool(2);
        Future<End> healthy = pods.submit(() -> pod(handler, 2).run(job, Optional.of(0)));
        Future<End> failing = pods.submit(() -> pod(handler, 2).run(job, Optional.of(1)));

        assertThat(failing.get(60, TimeUnit.SECONDS)).isEqualTo(End.FAILED);
        JobRecord failed = store.get(job.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.errorReason()).isEqualTo("SESSION_GONE");
        handler.holdShard.countDown();
        assertThat(healthy.get(60, TimeUnit.SECONDS)).as("it stops: the job is over").isEqualTo(End.FAILED);
        assertThat(handler.completed).hasValue(0);
        pods.shutdown();
    }

    @Test
    void aCancelStopsEveryPodAndRemovesWhatTheShardsWrote() throws Exception {
        JobRecord job = newJob();
        RecordingHandler handler = new RecordingHandler();
        handler.holdShard = new CountDownLatch(1);
        List<ShardedRun> runs = List.of(pod(handler, 2), pod(handler, 2));
        ExecutorService pods = Executors.newFixedThreadPool(2);
        List<Future<End>> ends = new ArrayList<>();
        for (int index = 0; index < 2; index++) {
            int i = index;
            ends.add(pods.submit(() -> runs.get(i).run(job, Optional.of(i))));
        }
        awaitTrue(() -> shards.workDone(job.id()) >= 2);

        store.requestCancel(job.id(), Clock.systemUTC().instant()); // what CancelJob does; the pods learn it with their progress
        runs.forEach(ShardedRun::cancel); // and what the worker does when it sees spec.cancel

        for (Future<End> end : ends) {
            assertThat(end.get(60, TimeUnit.SECONDS)).isEqualTo(End.CANCELLED);
        }
        pods.shutdown();
        assertThat(store.get(job.id()).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(handler.discarded.get()).isPositive();
        assertThat(handler.written).isEmpty();
        assertThat(handler.completed).hasValue(0);
    }
}
