package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.audit;
import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ret.api.v1.ChangePasswordRequest;
import io.ret.api.v1.ConfirmPasswordResetRequest;
import io.ret.api.v1.DecidePasswordResetRequestRequest;
import io.ret.api.v1.ListPasswordResetRequestsRequest;
import io.ret.api.v1.RequestPasswordResetRequest;
import io.ret.api.v1.RequestStatus;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admin-approved password resets end to end, and changing one's own password. */
class PasswordResetTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ListPasswordResetRequestsRequest pendingOf(User user) {
        return ListPasswordResetRequestsRequest.newBuilder().setUserId(user.getId())
                .setStatus(RequestStatus.REQUEST_STATUS_PENDING).build();
    }

    @Test
    void requestApproveConfirmEndsAllSessions() {
        User user = server.newUser("forgetful");
        var before = server.login(user.getUsername(), TestServer.PASSWORD);
        server.auth().requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                .setUsername(user.getUsername()).setReason("lost my password manager").build());

        var admin = server.admin(server.adminToken());
        var pending = admin.listPasswordResetRequests(pendingOf(user)).getRequestsList();
        assertThat(pending).singleElement().satisfies(r -> assertThat(r.getReason()).isEqualTo("lost my password manager"));
        var decided = admin.decidePasswordResetRequest(DecidePasswordResetRequestRequest.newBuilder()
                .setRequestId(pending.getFirst().getId()).setApprove(true).setNote("verified by phone").build());
        String token = decided.getResetToken();
        assertThat(token).hasSizeGreaterThanOrEqualTo(43);
        assertThat(decided.getRequest().getStatus()).isEqualTo(RequestStatus.REQUEST_STATUS_APPROVED);
        assertThat(decided.getRequest().hasTokenExpireTime()).isTrue();

        String newPassword = "a brand new passphrase";
        server.auth().confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder().setUsername(user.getUsername())
                .setResetToken(token).setNewPassword(newPassword).build());

        refused(() -> AuthFixture.as(server, before.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, null);
        refused(() -> server.login(user.getUsername(), TestServer.PASSWORD), Status.Code.UNAUTHENTICATED, "LOGIN_FAILED");
        assertThat(server.login(user.getUsername(), newPassword).getUser().getId()).isEqualTo(user.getId());
        // one time only
        refused(() -> server.auth().confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder()
                        .setUsername(user.getUsername()).setResetToken(token).setNewPassword("yet another passphrase").build()),
                Status.Code.PERMISSION_DENIED, "RESET_TOKEN_INVALID");
        assertThat(audit(server, "password_reset.request", user.getId())).isNotEmpty();
        assertThat(audit(server, "password_reset.approve", pending.getFirst().getId())).hasSize(1);
        assertThat(audit(server, "password_reset.confirm", user.getId()))
                .anySatisfy(e -> assertThat(e.getOutcome()).isEqualTo("success"))
                .anySatisfy(e -> assertThat(e.getOutcome()).isEqualTo("denied"));
    }

    @Test
    void rejectedRequestsGiveNoTokenAndUnknownUsersLookTheSame() {
        User user = server.newUser("rejected");
        server.auth().requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                .setUsername(user.getUsername()).setReason("please").build());
        var admin = server.admin(server.adminToken());
        var request = admin.listPasswordResetRequests(pendingOf(user)).getRequests(0);
        var decided = admin.decidePasswordResetRequest(DecidePasswordResetRequestRequest.newBuilder()
                .setRequestId(request.getId()).setApprove(false).build());
        assertThat(decided.getResetToken()).isEmpty();
        assertThat(decided.getRequest().getStatus()).isEqualTo(RequestStatus.REQUEST_STATUS_REJECTED);
        refused(() -> admin.decidePasswordResetRequest(DecidePasswordResetRequestRequest.newBuilder()
                .setRequestId(request.getId()).setApprove(true).build()), Status.Code.FAILED_PRECONDITION, "ALREADY_DECIDED");

        // the same empty answer for a user that does not exist
        server.auth().requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                .setUsername(TestServer.uniqueName("nobody")).setReason("please").build());
        refused(() -> server.auth().confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder()
                        .setUsername(user.getUsername()).setResetToken("guessed-token").setNewPassword("guessed passphrase").build()),
                Status.Code.PERMISSION_DENIED, "RESET_TOKEN_INVALID");
    }

    @Test
    void changePasswordNeedsTheCurrentOneAndEndsOtherSessions() {
        User user = server.newUser("changer");
        var here = server.login(user.getUsername(), TestServer.PASSWORD);
        var elsewhere = server.login(user.getUsername(), TestServer.PASSWORD);
        var auth = AuthFixture.as(server, here.getAccessToken());
        refused(() -> auth.changePassword(ChangePasswordRequest.newBuilder().setCurrentPassword("wrong wrong")
                .setNewPassword("new passphrase here").build()), Status.Code.PERMISSION_DENIED, "WRONG_PASSWORD");
        refused(() -> auth.changePassword(ChangePasswordRequest.newBuilder().setCurrentPassword(TestServer.PASSWORD)
                .setNewPassword("short").build()), Status.Code.INVALID_ARGUMENT, null);
        auth.changePassword(ChangePasswordRequest.newBuilder().setCurrentPassword(TestServer.PASSWORD)
                .setNewPassword("new passphrase here").build());
        assertThat(auth.whoAmI(WhoAmIRequest.getDefaultInstance()).getId()).as("this session continues").isEqualTo(user.getId());
        refused(() -> AuthFixture.as(server, elsewhere.getAccessToken()).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "SESSION_ENDED");
        assertThat(server.login(user.getUsername(), "new passphrase here").getUser().getId()).isEqualTo(user.getId());
    }
}
