package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.CreateApiKeyRequest;
import io.ret.api.v1.CreateUserRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.LogoutRequest;
import io.ret.api.v1.RevokeApiKeyRequest;
import io.ret.api.v1.Role;
import io.ret.api.v1.UpdateUserRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.UserKind;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.SessionClient;
import io.ret.server.platform.embedded.EmbeddedMariaDb;
import io.ret.server.platform.embedded.EmbeddedRedis;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one MariaDB and one Redis, with a shared signing key and session
 * volume, as on Kubernetes: a job runs once, whichever instance started it; a logout, lock or
 * revoke on one instance holds on the other at once; rate limits are shared. The engines are
 * this class's own: a server of another test class on the shared engines would claim jobs too.
 */
class TwoServersTest {
    private static EmbeddedMariaDb mariaDb;
    private static EmbeddedRedis redis;
    private static TestServer a;
    private static TestServer b;

    @BeforeAll
    static void start() {
        mariaDb = TestEngines.newMariaDb("two-servers");
        redis = TestEngines.newRedis("two-servers");
        Path sessions = Path.of("target", "test-runtime", "shared-sessions-" + UUID.randomUUID());
        a = instance(sessions, null);
        b = instance(sessions, a.config().runtimeDir().resolve("keys").resolve("jwt-signing.jwks.json"));
    }

    private static TestServer instance(Path sessions, Path keys) {
        TestServer.Builder builder = TestServer.builder()
                .database(mariaDb.jdbcUrl("ret"))
                .redis(redis.url())
                .set("ret.sessions.dir", sessions.toString())
                .set("ret.jobs.concurrency", "2")
                // WhoAmI gets a small bucket of its own (Login then shares the tests' large default one)
                .set("ret.ratelimit.methods.0.method", "ret.v1.AuthService/WhoAmI")
                .set("ret.ratelimit.methods.0.calls", "6")
                .set("ret.ratelimit.methods.0.period", "PT60S");
        if (keys != null) {
            builder.set("ret.auth.jwt.keys.file", keys.toString());
        }
        return builder.start();
    }

    @AfterAll
    static void stop() {
        for (TestServer server : new TestServer[] {b, a}) {
            if (server != null) {
                server.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @Test
    void eachJobRunsExactlyOnceWhicheverInstanceStartedIt() throws Exception {
        SessionClient onA = SessionClient.newUser(a, "twin");
        SessionClient onB = new SessionClient(b, onA.token());
        List<Job> started = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SessionClient via = i % 2 == 0 ? onA : onB;
            var session = via.upload("twin-" + i + ".zip", ZipBytes.zip(Map.of("a.xml",
                    "<rows><row><id>" + i + "</id></row><row><id>x</id></row></rows>")));
            started.add(via.startConversion(session.getId(), ConversionOptions.getDefaultInstance()));
        }
        for (int i = 0; i < started.size(); i++) {
            // watched on the other instance than the one that started it
            Job done = (i % 2 == 0 ? onB : onA).await(started.get(i).getId());
            assertThat(done.getState()).as("job %s: %s", done.getId(), done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
            assertThat(done.getAttempts()).as("runs of job %s", done.getId()).isEqualTo(1);
        }
        long claimed = a.server().platform().db().queryOne("SELECT COUNT(*) FROM jobs WHERE id IN (?,?,?,?,?,?)"
                        + " AND attempts = 1 AND state = 'SUCCEEDED'", r -> r.getLong(1),
                started.stream().map(Job::getId).toArray()).orElseThrow();
        assertThat(claimed).isEqualTo(6);
    }

    @Test
    void aLogoutOnOneInstanceEndsTheSessionOnTheOtherAtOnce() {
        User user = a.newUser("logout");
        String token = a.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
        var onB = TestServer.bearer(b.auth(), token);
        assertThat(onB.whoAmI(WhoAmIRequest.getDefaultInstance()).getId()).isEqualTo(user.getId()); // cached on B now
        TestServer.bearer(a.auth(), token).logout(LogoutRequest.getDefaultInstance());
        assertRefused(() -> onB.whoAmI(WhoAmIRequest.getDefaultInstance()), "SESSION_ENDED");
    }

    @Test
    void aLockOnOneInstanceStopsTheUserOnTheOtherAtOnce() {
        User user = a.newUser("lock");
        String token = a.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
        var onB = TestServer.bearer(b.auth(), token);
        assertThat(onB.whoAmI(WhoAmIRequest.getDefaultInstance()).getId()).isEqualTo(user.getId());
        a.admin(a.adminToken()).updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setId(user.getId()).setLocked(true))
                .setUpdateMask(FieldMask.newBuilder().addPaths("locked")).build());
        assertRefused(() -> onB.whoAmI(WhoAmIRequest.getDefaultInstance()), null);
    }

    @Test
    void anApiKeyRevokedOnOneInstanceIsRefusedOnTheOtherAtOnce() {
        var admin = a.admin(a.adminToken());
        User service = admin.createUser(CreateUserRequest.newBuilder().setUsername(TestServer.uniqueName("svc"))
                .setKind(UserKind.USER_KIND_SERVICE).setRole(Role.ROLE_USER).build());
        var key = admin.createApiKey(CreateApiKeyRequest.newBuilder().setServiceAccountId(service.getId()).build());
        var onB = TestServer.header(b.auth(), "x-api-key", key.getSecret());
        assertThat(onB.whoAmI(WhoAmIRequest.getDefaultInstance()).getId()).isEqualTo(service.getId());
        admin.revokeApiKey(RevokeApiKeyRequest.newBuilder().setApiKeyId(key.getApiKey().getId()).build());
        assertRefused(() -> onB.whoAmI(WhoAmIRequest.getDefaultInstance()), "API_KEY_INVALID");
    }

    @Test
    void aRateLimitIsSharedByBothInstances() throws Exception {
        User user = a.newUser("limited");
        String token = a.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
        var onA = TestServer.bearer(a.auth(), token);
        var onB = TestServer.bearer(b.auth(), token);
        int accepted = 0;
        StatusRuntimeException refused = null;
        for (int i = 0; i < 12 && refused == null; i++) {
            // past the 100 ms each instance may consume locally between synchronisations
            Thread.sleep(150);
            try {
                (i % 2 == 0 ? onA : onB).whoAmI(WhoAmIRequest.getDefaultInstance());
                accepted++;
            } catch (StatusRuntimeException e) {
                refused = e;
            }
        }
        assertThat(accepted).as("calls accepted by the two instances together").isEqualTo(6);
        assertThat(refused).isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(RichErrors.reason(refused)).isEqualTo("RATE_LIMITED");
    }

    private static void assertRefused(Runnable call, String reason) {
        StatusRuntimeException e = PipelineTest.catchStatus(call);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        if (reason != null) {
            assertThat(RichErrors.reason(e)).isEqualTo(reason);
        }
    }
}
