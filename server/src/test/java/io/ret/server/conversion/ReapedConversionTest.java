package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.OutputFile;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionState;
import io.ret.api.v1.WatchJobRequest;
import io.ret.server.testing.BigArchive;
import io.ret.server.testing.ServerProcess;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;

/**
 * A conversion whose server is killed outright (SIGKILL) with no retry left: another server's
 * reaper fails the job, and the session leaves CONVERTING as after any failed conversion:
 * STALE with its earlier outputs still listed, or FAILED when it had none.
 */
class ReapedConversionTest {

    @Test
    void aReapedConversionLeavesItsSessionStaleWithItsOutputsOrFailedWithout() throws Exception {
        Path sessions = Path.of("target", "test-runtime", "reaped-" + UUID.randomUUID(), "sessions").toAbsolutePath();
        String username = TestServer.uniqueName("reaped");
        try (TestServer setup = TestServer.start()) {
            setup.createUser(username, TestServer.PASSWORD, io.ret.api.v1.Role.ROLE_USER);
        }
        Session converted;
        Session fresh;
        String firstJob;
        String doomedJob;
        String freshJob;
        try (ServerProcess doomed = ServerProcess.start(sessions.getParent().resolve("doomed"), Map.of(
                "RET_DB_URL", TestEngines.jdbcUrl(),
                "RET_REDIS_URL", TestEngines.redisUrl(),
                "RET_SESSIONS_DIR", sessions.toString(),
                "RET_ARCHIVE_MAX_RATIO", "100000",
                "RET_JOBS_ATTEMPTS", "1",
                "RET_JOBS_HEARTBEAT", "PT0.5S"), entry -> true)) {
            // awaited inside: a server that never serves must still be stopped, or its runner takes other tests' jobs
            doomed.awaitServing(java.time.Duration.ofMinutes(3));
            String token = AuthServiceGrpc.newBlockingStub(doomed.channel()).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .login(LoginRequest.newBuilder().setUsername(username).setPassword(TestServer.PASSWORD).build())
                    .getAccessToken();
            SessionClient there = new SessionClient(doomed.channel(), token);
            byte[] big = BigArchive.orders(120);
            converted = there.upload("converted.zip", big);
            fresh = there.upload("fresh.zip", big);
            firstJob = there.startConversion(converted.getId(), ConversionOptions.getDefaultInstance()).getId();
            assertThat(there.await(firstJob).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

            doomedJob = there.startConversion(converted.getId(), ConversionOptions.getDefaultInstance()).getId();
            freshJob = there.startConversion(fresh.getId(), ConversionOptions.getDefaultInstance()).getId();
            awaitRunning(there, doomedJob);
            awaitRunning(there, freshJob);
            doomed.kill();
        }

        try (TestServer survivor = TestServer.builder()
                .set("ret.sessions.dir", sessions.toString())
                .set("ret.archive.max.ratio", "100000")
                .set("ret.jobs.stale.after", "PT2S")
                .start()) {
            SessionClient user = new SessionClient(survivor, survivor.login(username, TestServer.PASSWORD).getAccessToken());

            Job reaped = user.await(doomedJob);
            assertThat(reaped.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            assertThat(reaped.getError().getReason()).isEqualTo("RUNNER_LOST");
            Session stale = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(converted.getId()).build());
            assertThat(stale.getState()).isEqualTo(SessionState.SESSION_STATE_STALE);
            assertThat(stale.getConversionJobId()).isEqualTo(doomedJob);
            assertThat(stale.getOutputsJobId()).isEqualTo(firstJob);
            assertThat(user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(converted.getId()).build())
                    .getOutputsList()).extracting(OutputFile::getPath).containsExactly("order.csv", "order.line.csv");

            assertThat(user.await(freshJob).getState()).isEqualTo(JobState.JOB_STATE_FAILED);
            Session failed = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(fresh.getId()).build());
            assertThat(failed.getState()).isEqualTo(SessionState.SESSION_STATE_FAILED);
            assertThat(failed.getOutputsJobId()).isEmpty();
            io.ret.server.auth.AuthFixtureAccess.refused(() -> user.sessions().listOutputs(ListOutputsRequest.newBuilder()
                    .setSessionId(fresh.getId()).build()), io.grpc.Status.Code.FAILED_PRECONDITION, "NOT_CONVERTED");
        }
    }

    private static void awaitRunning(SessionClient client, String jobId) {
        var watch = client.jobs().withDeadlineAfter(60, TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        while (watch.hasNext()) {
            Job seen = watch.next();
            if (seen.getState() == JobState.JOB_STATE_RUNNING && seen.getWorkDone() > 0) {
                return;
            }
            assertThat(seen.getState()).as("job %s ended before it could be killed", jobId)
                    .isIn(JobState.JOB_STATE_PENDING, JobState.JOB_STATE_RUNNING);
        }
    }
}
