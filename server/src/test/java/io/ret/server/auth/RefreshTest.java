package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.audit;
import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ret.api.v1.LogoutRequest;
import io.ret.api.v1.RefreshTokenRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Refresh tokens rotate on every use; a reused one ends its whole family. Logout ends the session. */
class RefreshTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static io.ret.api.v1.AuthTokens refresh(String token) {
        return server.auth().refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(token).build());
    }

    @Test
    void refreshRotatesAndReuseRevokesTheFamily() {
        User user = server.newUser("refresh");
        var first = server.login(user.getUsername(), TestServer.PASSWORD);
        var second = refresh(first.getRefreshToken());
        assertThat(second.getRefreshToken()).isNotEqualTo(first.getRefreshToken());
        assertThat(second.getRefreshTokenExpireTime().getSeconds())
                .as("rotation keeps the session's absolute expiry").isEqualTo(first.getRefreshTokenExpireTime().getSeconds());
        assertThat(AuthFixture.as(server, second.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance()).getId())
                .isEqualTo(user.getId());
        var third = refresh(second.getRefreshToken());

        // an attacker replays the first token
        refused(() -> refresh(first.getRefreshToken()), Status.Code.UNAUTHENTICATED, "REFRESH_TOKEN_REUSED");
        // the whole family is gone: the newest refresh token and its access token stop working
        refused(() -> refresh(third.getRefreshToken()), Status.Code.UNAUTHENTICATED, "SESSION_ENDED");
        refused(() -> AuthFixture.as(server, third.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "SESSION_ENDED");
        assertThat(audit(server, "refresh.reuse", user.getId())).hasSize(1);
    }

    @Test
    void unknownRefreshTokensAreRefused() {
        refused(() -> refresh("made-up-token"), Status.Code.UNAUTHENTICATED, "REFRESH_TOKEN_INVALID");
        refused(() -> refresh(""), Status.Code.INVALID_ARGUMENT, null);
    }

    @Test
    void logoutEndsTheSessionAtOnce() {
        User user = server.newUser("logout");
        var tokens = server.login(user.getUsername(), TestServer.PASSWORD);
        var other = server.login(user.getUsername(), TestServer.PASSWORD);
        AuthFixture.as(server, tokens.getAccessToken()).logout(LogoutRequest.getDefaultInstance());
        refused(() -> AuthFixture.as(server, tokens.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "SESSION_ENDED");
        refused(() -> refresh(tokens.getRefreshToken()), Status.Code.UNAUTHENTICATED, "SESSION_ENDED");
        // the user's other device is untouched
        assertThat(AuthFixture.as(server, other.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance()).getId())
                .isEqualTo(user.getId());
        assertThat(audit(server, "logout", user.getId())).hasSize(1);
    }
}
