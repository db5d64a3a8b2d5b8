package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.audit;
import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.ret.api.v1.DeleteUserRequest;
import io.ret.api.v1.ForceLogoutRequest;
import io.ret.api.v1.ListUsersRequest;
import io.ret.api.v1.Role;
import io.ret.api.v1.UpdateUserRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Force-logout, lock, disable, demote and delete take effect on the very next call. */
class RevocationTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String signedIn(User user) {
        String token = server.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
        assertThat(AuthFixture.as(server, token).whoAmI(WhoAmIRequest.getDefaultInstance()).getId()).isEqualTo(user.getId());
        return token;
    }

    private static void update(User user, String field) {
        server.admin(server.adminToken()).updateUser(UpdateUserRequest.newBuilder()
                .setUser(user).setUpdateMask(FieldMask.newBuilder().addPaths(field)).build());
    }

    @Test
    void forceLogoutEndsEveryTokenAtOnce() {
        User user = server.newUser("force");
        String a = signedIn(user);
        String b = signedIn(user);
        int ended = server.admin(server.adminToken()).forceLogout(ForceLogoutRequest.newBuilder()
                .setUserId(user.getId()).build()).getSessionsRevoked();
        assertThat(ended).isEqualTo(2);
        for (String token : new String[]{a, b}) {
            refused(() -> AuthFixture.as(server, token).whoAmI(WhoAmIRequest.getDefaultInstance()),
                    Status.Code.UNAUTHENTICATED, "TOKEN_REVOKED");
        }
        assertThat(audit(server, "user.force_logout", user.getId())).hasSize(1)
                .allSatisfy(e -> assertThat(e.getActorName()).isEqualTo(TestServer.ADMIN_USERNAME));
        // signing in again works
        signedIn(user);
    }

    @Test
    void lockingOrDisablingStopsTheNextCall() {
        User locked = server.newUser("locked");
        String lockedToken = signedIn(locked);
        update(locked.toBuilder().setLocked(true).build(), "locked");
        refused(() -> AuthFixture.as(server, lockedToken).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, null);
        refused(() -> server.login(locked.getUsername(), TestServer.PASSWORD), Status.Code.UNAUTHENTICATED, "LOGIN_FAILED");

        User disabled = server.newUser("disabled");
        String disabledToken = signedIn(disabled);
        update(disabled.toBuilder().setActive(false).build(), "active");
        refused(() -> AuthFixture.as(server, disabledToken).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, null);
        assertThat(audit(server, "user.update", disabled.getId())).singleElement()
                .satisfies(e -> assertThat(e.getDetail()).isEqualTo("active true->false"));
    }

    @Test
    void demotedAdminLosesAdminAccessAtOnce() {
        User admin = server.createUser(TestServer.uniqueName("second-admin"), TestServer.PASSWORD, Role.ROLE_ADMIN);
        String token = signedIn(admin);
        assertThat(server.admin(token).listUsers(ListUsersRequest.getDefaultInstance()).getUsersCount()).isPositive();
        update(admin.toBuilder().setRole(Role.ROLE_USER).build(), "role");
        refused(() -> server.admin(token).listUsers(ListUsersRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, null);
        String fresh = signedIn(admin);
        refused(() -> server.admin(fresh).listUsers(ListUsersRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED, "ADMIN_REQUIRED");
    }

    @Test
    void deletedUsersTokensStopWorking() {
        User user = server.newUser("deleted");
        String token = signedIn(user);
        server.admin(server.adminToken()).deleteUser(DeleteUserRequest.newBuilder().setUserId(user.getId()).build());
        refused(() -> AuthFixture.as(server, token).whoAmI(WhoAmIRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED, "ACCOUNT_GONE");
        assertThat(audit(server, "user.delete", user.getId())).hasSize(1);
    }

    @Test
    void adminsCannotLockThemselvesOut() {
        String token = server.adminToken();
        User me = AuthFixture.as(server, token).whoAmI(WhoAmIRequest.getDefaultInstance());
        refused(() -> server.admin(token).updateUser(UpdateUserRequest.newBuilder()
                .setUser(me.toBuilder().setActive(false))
                .setUpdateMask(FieldMask.newBuilder().addPaths("active")).build()),
                Status.Code.FAILED_PRECONDITION, "SELF_LOCKOUT");
        refused(() -> server.admin(token).deleteUser(DeleteUserRequest.newBuilder().setUserId(me.getId()).build()),
                Status.Code.FAILED_PRECONDITION, "SELF_DELETE");
    }
}
