package io.ret.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.CancelJobRequest;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobServiceGrpc;
import io.ret.api.v1.JobState;
import io.ret.api.v1.WatchJobRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WatchJob streams are capped per user, and the watchers of one job share one reader of its row:
 * database reads do not grow with the number of watchers. Jobs stay PENDING (no runner here).
 */
class WatchLimitsTest {
    private static final int CAP = 1000;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder()
                .set("ret.jobs.concurrency", "0")
                .set("ret.jobs.watch.per.user", Integer.toString(CAP))
                .set("ret.grpc.http2.max.streams", "5000")
                // watch re-reads every 500 ms (the shortest), so a per-watcher poll would show at once
                .set("ret.jobs.progress.interval", "PT0.05S")
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Job pendingJob(SessionClient client) throws Exception {
        var session = client.upload("w.zip", ZipBytes.zip(Map.of("a.xml", "<rows><row>1</row></rows>")));
        return client.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
    }

    /** An open watch stream that records what it receives. */
    private static final class Watcher implements StreamObserver<Job> {
        final List<Job> seen = new ArrayList<>();
        final CountDownLatch first = new CountDownLatch(1);
        final CompletableFuture<Status> end = new CompletableFuture<>();
        volatile StatusRuntimeException failure;
        final Context.CancellableContext context = Context.current().withCancellation();

        static Watcher open(SessionClient client, String jobId) {
            Watcher w = new Watcher();
            w.context.run(() -> TestServer.bearer(JobServiceGrpc.newStub(server.channel()), client.token())
                    .withDeadlineAfter(120, TimeUnit.SECONDS)
                    .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build(), w));
            return w;
        }

        @Override
        public synchronized void onNext(Job job) {
            seen.add(job);
            first.countDown();
        }

        @Override
        public void onError(Throwable t) {
            failure = t instanceof StatusRuntimeException e ? e : null;
            first.countDown();
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        void cancel() {
            context.cancel(null);
        }
    }

    @Test
    void aUserBeyondTheCapIsRefusedWithErrorInfoUntilAStreamEnds() throws Exception {
        SessionClient alice = SessionClient.newUser(server, "capped");
        Job job = pendingJob(alice);
        List<Watcher> open = new ArrayList<>(List.of(Watcher.open(alice, job.getId())));
        assertThat(open.getFirst().first.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i < CAP; i++) {
            open.add(Watcher.open(alice, job.getId()));
        }
        for (Watcher w : open) {
            assertThat(w.first.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(w.failure).isNull();
        }
        Watcher refused = Watcher.open(alice, job.getId());
        Status status = refused.end.get(30, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        StatusRuntimeException e = refused.failure;
        assertThat(RichErrors.reason(e)).isEqualTo("WATCH_LIMIT");
        assertThat(RichErrors.errorInfo(e).orElseThrow().getMetadataMap()).containsEntry("limit", Integer.toString(CAP));

        // another user is not affected; and a slot comes back when a stream ends
        SessionClient bob = SessionClient.newUser(server, "uncapped");
        Watcher bobs = Watcher.open(bob, pendingJob(bob).getId());
        assertThat(bobs.first.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bobs.end).isNotDone();
        open.removeFirst().cancel();
        Thread.sleep(300);
        Watcher again = Watcher.open(alice, job.getId());
        assertThat(again.first.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(again.end).isNotDone();
        open.add(again);
        open.add(bobs);
        open.forEach(Watcher::cancel);
    }

    @Test
    void aThousandWatchersOfOneJobCostNoMoreDatabaseReadsThanOne() throws Exception {
        SessionClient carol = SessionClient.newUser(server, "crowd");
        Job job = pendingJob(carol);

        Watcher single = Watcher.open(carol, job.getId());
        assertThat(single.first.await(30, TimeUnit.SECONDS)).isTrue();
        long oneWatcher = selectsDuring(3000);
        long opening = selects();

        List<Watcher> crowd = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            crowd.add(Watcher.open(carol, job.getId()));
        }
        for (Watcher w : crowd) {
            assertThat(w.first.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(w.failure).isNull();
        }
        // joining a job watched already reads nothing either
        assertThat(selects() - opening).as("reads while 999 more watchers opened").isLessThan(100);
        long thousandWatchers = selectsDuring(3000);
        // one poll each would be 1000 reads per 500 ms, i.e. ~6000 in 3 s
        assertThat(thousandWatchers).as("reads with 1000 watchers (1 watcher: %d)", oneWatcher)
                .isLessThanOrEqualTo(oneWatcher + 15);

        // and each of them still hears the change, and the end
        carol.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
        crowd.add(single);
        for (Watcher w : crowd) {
            assertThat(w.end.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
            assertThat(w.seen.getLast().getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        }
    }

    /** SELECT statements the database ran (all sessions) while this thread slept. */
    private static long selectsDuring(long millis) throws InterruptedException {
        long before = selects();
        Thread.sleep(millis);
        return selects() - before;
    }

    private static long selects() {
        return server.server().platform().db().queryOne("SHOW GLOBAL STATUS LIKE 'Com_select'",
                r -> r.getLong(2)).orElseThrow();
    }
}
