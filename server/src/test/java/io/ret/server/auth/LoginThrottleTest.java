package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.audit;
import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.AuthTokens;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.UpdateUserRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Login throttling per username and source, a lock only on a distributed attack, and which
 * forwarded addresses are believed. Sources are simulated through a trusted proxy (127.0.0.1).
 */
class LoginThrottleTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder()
                .set("ret.grpc.trusted.proxies", "127.0.0.1/32, 10.0.0.0/8")
                .set("ret.auth.throttle.free", "3")
                .set("ret.auth.throttle.delay", "PT1S")
                .set("ret.auth.throttle.max.delay", "PT4S")
                .set("ret.auth.lockout.threshold", "6")
                .set("ret.auth.lockout.sources", "3")
                .set("ret.auth.lockout.duration", "PT3S")
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static AuthTokens login(String source, String username, String password) {
        return TestServer.header(server.auth(), "x-forwarded-for", source)
                .login(LoginRequest.newBuilder().setUsername(username).setPassword(password).build());
    }

    private static void wrong(String source, String username) {
        refused(() -> login(source, username, "not the password"), Status.Code.UNAUTHENTICATED, "LOGIN_FAILED");
    }

    private static Duration throttled(String source, String username, String password) {
        StatusRuntimeException e = refused(() -> login(source, username, password), Status.Code.RESOURCE_EXHAUSTED,
                "LOGIN_THROTTLED");
        var delay = RichErrors.retryInfo(e).orElseThrow().getRetryDelay();
        return Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
    }

    @Test
    void failuresFromOneSourceDelayThatSourceOnlyAndNeverLockTheAccount() throws Exception {
        User user = server.newUser("slowed");
        for (int i = 0; i < 3; i++) {
            wrong("203.0.113.1", user.getUsername());
        }
        // that source now waits, even with the right password; it is not told whether it was right
        assertThat(throttled("203.0.113.1", user.getUsername(), TestServer.PASSWORD))
                .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        // the real user elsewhere is not slowed, and the account is not locked
        assertThat(login("203.0.113.2", user.getUsername(), TestServer.PASSWORD).getUser().getId()).isEqualTo(user.getId());
        assertThat(audit(server, "account.locked", user.getId())).isEmpty();

        // after the wait the next failure doubles the delay
        Thread.sleep(1100);
        wrong("203.0.113.1", user.getUsername());
        assertThat(throttled("203.0.113.1", user.getUsername(), TestServer.PASSWORD))
                .isGreaterThan(Duration.ofMillis(1000)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(audit(server, "login.throttled", user.getUsername())).isNotEmpty();
    }

    @Test
    void unknownUsernamesAreThrottledLikeRealOnes() {
        String ghost = TestServer.uniqueName("ghost");
        for (int i = 0; i < 3; i++) {
            wrong("203.0.113.9", ghost);
        }
        assertThat(throttled("203.0.113.9", ghost, "not the password")).isPositive();
    }

    @Test
    void failuresFromManySourcesLockTheAccountButNotForSourcesThatSignedInBefore() throws Exception {
        User user = server.newUser("distributed");
        AuthTokens before = login("198.51.100.7", user.getUsername(), TestServer.PASSWORD);
        for (String source : new String[] {"192.0.2.1", "192.0.2.2", "192.0.2.3"}) {
            wrong(source, user.getUsername());
            wrong(source, user.getUsername());
        }
        assertThat(audit(server, "account.locked", user.getId())).hasSize(1);
        // a new source with the right password is refused like any failure
        refused(() -> login("198.51.100.9", user.getUsername(), TestServer.PASSWORD), Status.Code.UNAUTHENTICATED,
                "LOGIN_FAILED");
        // the source the user signed in from before still may, and sessions already open go on
        assertThat(login("198.51.100.7", user.getUsername(), TestServer.PASSWORD).getUser().getId()).isEqualTo(user.getId());
        assertThat(AuthFixture.as(server, before.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance())
                .getUsername()).isEqualTo(user.getUsername());

        // an admin can lift the lock early; else it runs out by itself
        server.admin(server.adminToken()).updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setId(user.getId()).setLocked(false))
                .setUpdateMask(FieldMask.newBuilder().addPaths("locked")).build());
        assertThat(login("198.51.100.10", user.getUsername(), TestServer.PASSWORD).getUser().getId()).isEqualTo(user.getId());
        wrong("192.0.2.4", user.getUsername()); // the evidence is still in the window: locked again
        refused(() -> login("198.51.100.11", user.getUsername(), TestServer.PASSWORD), Status.Code.UNAUTHENTICATED,
                "LOGIN_FAILED");
        Thread.sleep(3200);
        assertThat(login("198.51.100.11", user.getUsername(), TestServer.PASSWORD).getUser().getId()).isEqualTo(user.getId());
    }

    @Test
    void theClientIsTheRightMostForwardedAddressThatIsNoTrustedProxy() {
        User user = server.newUser("forwarded");
        // 6.6.6.6 was written by the client itself; 10.1.2.3 is an inner trusted proxy
        login("6.6.6.6, 203.0.113.50, 10.1.2.3", user.getUsername(), TestServer.PASSWORD);
        assertThat(audit(server, "login", user.getId())).singleElement()
                .satisfies(e -> assertThat(e.getPeerAddress()).isEqualTo("203.0.113.50"));
    }

    @Test
    void aForwardedAddressFromAnUntrustedPeerIsIgnored() {
        try (TestServer plain = TestServer.start()) {
            User user = plain.newUser("untrusted");
            TestServer.header(plain.auth(), "x-forwarded-for", "203.0.113.77")
                    .login(LoginRequest.newBuilder().setUsername(user.getUsername()).setPassword(TestServer.PASSWORD).build());
            assertThat(audit(plain, "login", user.getId())).singleElement()
                    .satisfies(e -> assertThat(e.getPeerAddress()).isEqualTo("127.0.0.1"));
        }
    }
}
