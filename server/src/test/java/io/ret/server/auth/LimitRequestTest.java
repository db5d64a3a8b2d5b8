package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ret.api.v1.DecideLimitRequestRequest;
import io.ret.api.v1.GetUserRequest;
import io.ret.api.v1.RequestLimitIncreaseRequest;
import io.ret.api.v1.RequestStatus;
import io.ret.api.v1.SetUserLimitsRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.UserLimits;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-user limits: defaults, limit-increase requests decided by admins, direct changes. */
class LimitRequestTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        // the shipped defaults (TestServer raises the session limit for other tests)
        server = TestServer.builder().set("ret.limits.default.sessions", "3").start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void defaultsAreThreeSessionsAndTenThousandMegabytes() {
        User user = server.newUser("defaults");
        assertThat(user.getLimits().getMaxSessions()).isEqualTo(3);
        assertThat(user.getLimits().getMaxUploadBytes()).isEqualTo(10_000L * 1024 * 1024);
        assertThat(user.getLimits().getMaxLoginSessions()).isEqualTo(3);
    }

    @Test
    void approvedRequestAppliesTheLimits() {
        User user = server.newUser("needs-more");
        var auth = AuthFixture.as(server, server.login(user.getUsername(), TestServer.PASSWORD).getAccessToken());
        var request = auth.requestLimitIncrease(RequestLimitIncreaseRequest.newBuilder()
                .setRequested(UserLimits.newBuilder().setMaxSessions(20)).setReason("quarterly comparison").build());
        assertThat(request.getStatus()).isEqualTo(RequestStatus.REQUEST_STATUS_PENDING);
        assertThat(request.getRequested().getMaxUploadBytes()).as("unchanged fields keep the current value")
                .isEqualTo(user.getLimits().getMaxUploadBytes());
        var admin = server.admin(server.adminToken());
        var decided = admin.decideLimitRequest(DecideLimitRequestRequest.newBuilder()
                .setRequestId(request.getId()).setApprove(true).setNote("ok").build());
        assertThat(decided.getStatus()).isEqualTo(RequestStatus.REQUEST_STATUS_APPROVED);
        assertThat(admin.getUser(GetUserRequest.newBuilder().setUserId(user.getId()).build()).getLimits().getMaxSessions())
                .isEqualTo(20);
        refused(() -> auth.requestLimitIncrease(RequestLimitIncreaseRequest.newBuilder()
                .setRequested(UserLimits.newBuilder().setMaxSessions(20)).setReason("again").build()),
                Status.Code.INVALID_ARGUMENT, null);
    }

    @Test
    void adminsSetLimitsDirectlyButNotBelowOne() {
        User user = server.newUser("direct");
        var admin = server.admin(server.adminToken());
        User updated = admin.setUserLimits(SetUserLimitsRequest.newBuilder().setUserId(user.getId())
                .setLimits(UserLimits.newBuilder().setMaxSessions(5).setMaxUploadBytes(1 << 30).setMaxLoginSessions(2)).build());
        assertThat(updated.getLimits().getMaxLoginSessions()).isEqualTo(2);
        refused(() -> admin.setUserLimits(SetUserLimitsRequest.newBuilder().setUserId(user.getId())
                .setLimits(UserLimits.newBuilder().setMaxSessions(0)).build()), Status.Code.INVALID_ARGUMENT, null);
    }
}
