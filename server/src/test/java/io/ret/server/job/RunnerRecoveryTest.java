package io.ret.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.WatchJobRequest;
import io.ret.server.testing.BigArchive;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.ServerProcess;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A server killed outright (SIGKILL) while running a job: another server's
 * reaper finds the silent job, puts it back in the queue, and it runs to the
 * end there. No job stays RUNNING.
 */
class RunnerRecoveryTest {

    @Test
    void aJobWhoseServerWasKilledIsRunAgainElsewhere() throws Exception {
        Path sessions = Path.of("target", "test-runtime", "recovery-" + UUID.randomUUID(), "sessions").toAbsolutePath();
        String username = TestServer.uniqueName("recovery");
        String jobId;
        String sessionId;
        try (TestServer setup = TestServer.start()) {
            setup.createUser(username, TestServer.PASSWORD, io.ret.api.v1.Role.ROLE_USER);
        }
        try (ServerProcess doomed = ServerProcess.start(sessions.getParent().resolve("doomed"), Map.of(
                "RET_DB_URL", TestEngines.jdbcUrl(),
                "RET_REDIS_URL", TestEngines.redisUrl(),
                "RET_SESSIONS_DIR", sessions.toString(),
                "RET_ARCHIVE_MAX_RATIO", "100000",
                "RET_JOBS_HEARTBEAT", "PT0.5S"), entry -> true)) {
            // awaited inside: a server that never serves must still be stopped, or its runner takes other tests' jobs
            doomed.awaitServing(java.time.Duration.ofMinutes(3));
            String token = AuthServiceGrpc.newBlockingStub(doomed.channel()).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .login(LoginRequest.newBuilder().setUsername(username).setPassword(TestServer.PASSWORD).build())
                    .getAccessToken();
            SessionClient there = new SessionClient(doomed.channel(), token);
            Session session = there.upload("big.zip", BigArchive.orders(120));
            sessionId = session.getId();
            jobId = there.startConversion(session.getId(), ConversionOptions.getDefaultInstance()).getId();
            var watch = there.jobs().withDeadlineAfter(60, TimeUnit.SECONDS)
                    .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
            while (watch.hasNext()) {
                Job seen = watch.next();
                if (seen.getState() == JobState.JOB_STATE_RUNNING && seen.getWorkDone() > 0) {
                    break;
                }
            }
            doomed.kill();
        }

        try (TestServer survivor = TestServer.builder()
                .set("ret.sessions.dir", sessions.toString())
                .set("ret.archive.max.ratio", "100000")
                .set("ret.jobs.stale.after", "PT2S")
                .set("ret.jobs.heartbeat", "PT0.5S") // well within stale.after: the survivor must not reap its own run
                .start()) {
            SessionClient user = new SessionClient(survivor, survivor.login(username, TestServer.PASSWORD).getAccessToken());
            Job done = user.await(jobId);
            assertThat(done.getState()).as("error: %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(done.getAttempts()).isEqualTo(2);
            assertThat(user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(sessionId).build())
                    .getOutputsList()).isNotEmpty();
        }
    }
}
