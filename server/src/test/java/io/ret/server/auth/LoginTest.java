package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.audit;
import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ret.api.v1.ListLoginSessionsRequest;
import io.ret.api.v1.RefreshTokenRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.platform.db.Database;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign-in: success, failure without user enumeration, rehash, the device limit (throttling: LoginThrottleTest). */
class LoginTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void loginReturnsTokensAndIsAudited() {
        User user = server.newUser("login");
        var tokens = server.login(user.getUsername(), TestServer.PASSWORD);
        assertThat(tokens.getTokenType()).isEqualTo("Bearer");
        assertThat(tokens.getAccessToken()).isNotEmpty();
        assertThat(tokens.getRefreshToken()).hasSizeGreaterThanOrEqualTo(43); // >= 256 bits, base64url
        assertThat(tokens.getUser().getId()).isEqualTo(user.getId());
        assertThat(tokens.getAccessTokenExpireTime().getSeconds() - System.currentTimeMillis() / 1000)
                .isBetween(29 * 60L, 30 * 60L);
        assertThat(AuthFixture.as(server, tokens.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance())
                .getUsername()).isEqualTo(user.getUsername());
        assertThat(audit(server, "login", user.getId())).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getPeerAddress()).isEqualTo("127.0.0.1"));
    }

    @Test
    void wrongPasswordAndUnknownUserFailTheSameWay() {
        User user = server.newUser("wrong");
        var wrong = refused(() -> server.login(user.getUsername(), "not the password"), Status.Code.UNAUTHENTICATED,
                "LOGIN_FAILED");
        String ghost = TestServer.uniqueName("ghost");
        var unknown = refused(() -> server.login(ghost, "not the password"), Status.Code.UNAUTHENTICATED, "LOGIN_FAILED");
        assertThat(unknown.getStatus().getDescription()).isEqualTo(wrong.getStatus().getDescription());
        assertThat(audit(server, "login.failed", user.getId())).hasSize(1);
        assertThat(audit(server, "login.failed", ghost)).hasSize(1)
                .allSatisfy(e -> assertThat(e.getDetail()).isEqualTo("unknown user"));
    }

    @Test
    void aHashMadeWithWeakerParametersIsUpgradedAtLogin() {
        User user = server.newUser("rehash");
        Database db = server.server().platform().db();
        String weak = new PasswordHasher(new PasswordHasher.Params(4096, 1, 1), 1).hash(TestServer.PASSWORD);
        db.update("UPDATE users SET password_hash = ? WHERE id = ?", weak, user.getId());
        server.login(user.getUsername(), TestServer.PASSWORD);
        String stored = db.queryOne("SELECT password_hash FROM users WHERE id = ?", r -> r.getString(1), user.getId())
                .orElseThrow();
        assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(server.login(user.getUsername(), TestServer.PASSWORD).getUser().getId()).isEqualTo(user.getId());
    }

    @Test
    void theLeastRecentlyUsedLoginSessionEndsWhenTheLimitIsReached() {
        User user = server.newUser("devices");
        var first = server.login(user.getUsername(), TestServer.PASSWORD);
        server.login(user.getUsername(), TestServer.PASSWORD);
        server.login(user.getUsername(), TestServer.PASSWORD);
        var fourth = server.login(user.getUsername(), TestServer.PASSWORD);

        refused(() -> AuthFixture.as(server, first.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "SESSION_ENDED");
        refused(() -> server.auth().refreshToken(RefreshTokenRequest.newBuilder()
                .setRefreshToken(first.getRefreshToken()).build()), Status.Code.UNAUTHENTICATED, "SESSION_ENDED");
        var sessions = AuthFixture.as(server, fourth.getAccessToken())
                .listLoginSessions(ListLoginSessionsRequest.getDefaultInstance()).getSessionsList();
        assertThat(sessions).hasSize(3);
        assertThat(sessions).filteredOn(s -> s.getCurrent()).hasSize(1);
        assertThat(audit(server, "session.evicted", user.getId())).hasSize(1);
    }
}
