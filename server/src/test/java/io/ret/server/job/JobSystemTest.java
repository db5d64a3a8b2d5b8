package io.ret.server.job;

import static io.ret.server.auth.AuthFixtureAccess.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.CancelJobRequest;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.DeleteSessionRequest;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobServiceGrpc;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListJobsRequest;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionState;
import io.ret.api.v1.StartConversionRequest;
import io.ret.api.v1.WatchJobRequest;
import io.ret.server.platform.embedded.EmbeddedRedis;
import io.ret.server.testing.BigArchive;
import io.ret.server.testing.RichErrors;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job system through the real channel: streamed progress, cancellation,
 * priorities, many watchers, watchers that must fall back to the row, and
 * ownership.
 */
class JobSystemTest {
    private static TestServer server;
    private static SessionClient user;
    private static byte[] big;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .set("ret.archive.max.ratio", "100000")
                .set("ret.jobs.concurrency", "1")
                .start();
        user = SessionClient.newUser(server, "jobs");
        big = BigArchive.orders(60);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] small() throws Exception {
        return ZipBytes.zip(Map.of("a.xml", "<rows><row>1</row><row>2</row></rows>"));
    }

    /** Reads the watch until the job is running and has made progress. */
    private static Iterator<Job> runningWatch(SessionClient client, String jobId) {
        Iterator<Job> stream = client.jobs().withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        while (stream.hasNext()) {
            Job job = stream.next();
            if (job.getState() == JobState.JOB_STATE_RUNNING && job.getWorkDone() > 0) {
                return stream;
            }
            assertThat(job.getState()).isIn(JobState.JOB_STATE_PENDING, JobState.JOB_STATE_RUNNING);
        }
        throw new AssertionError("job " + jobId + " ended before it made progress");
    }

    @Test
    void simultaneousStartsOfOneSessionGiveOneJobAndABusySessionIsNotDeleted() throws Exception {
        Session session = user.upload("contended.zip", big);
        int callers = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Status.Code>> starts = IntStream.range(0, callers)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        assertThat(RichErrors.reason(e)).isEqualTo("BUSY");
                        return e.getStatus().getCode();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor()))
                .toList();
        go.countDown();
        List<Status.Code> codes = starts.stream().map(CompletableFuture::join).toList();

        assertThat(codes).containsOnlyOnce(Status.Code.OK)
                .filteredOn(c -> c != Status.Code.OK).hasSize(callers - 1).containsOnly(Status.Code.FAILED_PRECONDITION);
        List<Job> jobs = user.jobs().listJobs(ListJobsRequest.newBuilder().build()).getJobsList().stream()
                .filter(j -> j.getSubjectId().equals(session.getId())).toList();
        assertThat(jobs).hasSize(1);
        refused(() -> user.sessions().deleteSession(DeleteSessionRequest.newBuilder().setSessionId(session.getId()).build()),
                Status.Code.FAILED_PRECONDITION, "BUSY");

        user.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(jobs.getFirst().getId()).build());
        assertThat(user.await(jobs.getFirst().getId()).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        user.sessions().deleteSession(DeleteSessionRequest.newBuilder().setSessionId(session.getId()).build());
        refused(() -> user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build()),
                Status.Code.NOT_FOUND, null);
    }

    @Test
    void cancellingARunningConversionStopsItPromptlyAndLeavesNothing() throws Exception {
        Session session = user.upload("big.zip", big);
        Job job = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        Iterator<Job> stream = runningWatch(user, job.getId());

        long cancelledAt = System.nanoTime();
        Job afterCancel = user.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
        assertThat(afterCancel.getCancelRequested()).isTrue();
        Job last = afterCancel;
        while (stream.hasNext()) {
            last = stream.next();
        }
        double seconds = (System.nanoTime() - cancelledAt) / 1e9;
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(seconds).as("seconds from CancelJob to CANCELLED").isLessThan(3.0);

        refused(() -> user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(session.getId()).build()),
                Status.Code.FAILED_PRECONDITION, "NOT_CONVERTED");
        assertThat(user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build())
                .getState()).isEqualTo(SessionState.SESSION_STATE_UPLOADED);
        try (Stream<Path> files = Files.list(server.config().runtimeDir().resolve("sessions").resolve(session.getId()))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("archive.zip");
        }
        // cancelling a finished job changes nothing
        assertThat(user.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build()).getState())
                .isEqualTo(JobState.JOB_STATE_CANCELLED);
    }

    @Test
    void higherPriorityJobsRunFirstAndProgressIsInBytes() throws Exception {
        Session blocker = user.upload("big.zip", big);
        Session low = user.upload("low.zip", small());
        Session high = user.upload("high.zip", small());
        Job first = user.startConversion(blocker.getId(), ConversionOptions.getDefaultInstance());
        runningWatch(user, first.getId());
        Job lowJob = user.conversions().startConversion(StartConversionRequest.newBuilder()
                .setSessionId(low.getId()).setPriority(-5).build());
        Job highJob = user.conversions().startConversion(StartConversionRequest.newBuilder()
                .setSessionId(high.getId()).setPriority(5).build());
        assertThat(lowJob.getState()).isEqualTo(JobState.JOB_STATE_PENDING);

        Job firstDone = user.await(first.getId());
        assertThat(firstDone.getWorkUnit()).isEqualTo("bytes");
        assertThat(firstDone.getWorkTotal()).isGreaterThan(60L * 1024 * 1024);
        Job lowDone = user.await(lowJob.getId());
        Job highDone = user.await(highJob.getId());
        assertThat(highDone.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(lowDone.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(com.google.protobuf.util.Timestamps.compare(highDone.getStartTime(), lowDone.getStartTime()))
                .as("the high-priority job started first").isNegative();
    }

    @Test
    void manyWatchersAllSeeTheJobToItsEnd() throws Exception {
        Session session = user.upload("w.zip", big);
        Job job = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        List<CompletableFuture<List<Job>>> watchers = IntStream.range(0, 25)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> user.watch(job.getId())))
                .toList();
        for (var watcher : watchers) {
            List<Job> seen = watcher.get(120, TimeUnit.SECONDS);
            assertThat(seen.getLast().getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(seen).extracting(Job::getProgressPercent).isSorted();
        }
    }

    @Test
    void usersSeeOnlyTheirOwnJobs() throws Exception {
        Session session = user.upload("own.zip", small());
        Job job = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        SessionClient other = SessionClient.newUser(server, "other");
        refused(() -> other.jobs().getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build()),
                Status.Code.NOT_FOUND, "JOB_NOT_FOUND");
        refused(() -> other.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build()),
                Status.Code.NOT_FOUND, null);
        refused(() -> other.watch(job.getId()), Status.Code.NOT_FOUND, null);
        assertThat(other.jobs().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList()).isEmpty();
        assertThat(user.jobs().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
                .extracting(Job::getId).contains(job.getId());
        var admin = TestServer.bearer(JobServiceGrpc.newBlockingStub(server.channel()), server.adminToken());
        assertThat(admin.getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build()).getOwnerId())
                .isEqualTo(job.getOwnerId());
        user.await(job.getId());
    }

    @Test
    void aWatcherWhoseEventsNeverArriveFollowsTheRow() throws Exception {
        // two servers on one database with separate Redis: the runner's events never reach the watcher's server
        try (EmbeddedRedis otherRedis = TestEngines.newRedis("lost-events");
             TestServer watcherSide = TestServer.builder()
                     .redis(otherRedis.url())
                     .set("ret.sessions.dir", server.config().runtimeDir().resolve("sessions").toString())
                     .set("ret.jobs.concurrency", "0")
                     .start()) {
            SessionClient remote = SessionClient.newUser(watcherSide, "remote");
            Session session = remote.upload("remote.zip", small());
            Job job = remote.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
            List<Job> seen = remote.watch(job.getId());
            assertThat(seen.getLast().getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        }
    }
}
