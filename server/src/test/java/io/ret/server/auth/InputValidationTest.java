package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.audit;
import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.CreateUserRequest;
import io.ret.api.v1.ListUsersRequest;
import io.ret.api.v1.RequestPasswordResetRequest;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Empty, oversized and malformed input: INVALID_ARGUMENT naming the field, and nothing stored. */
class InputValidationTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void createRefused(String username, String password, String field) {
        var admin = server.admin(server.adminToken());
        StatusRuntimeException e = refused(() -> admin.createUser(CreateUserRequest.newBuilder()
                .setUsername(username).setPassword(password).build()), Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT");
        assertThat(RichErrors.badRequest(e).orElseThrow().getFieldViolations(0).getField()).isEqualTo(field);
        String prefix = username.length() >= 3 && username.length() <= 64 ? username.toLowerCase() : "zz-never";
        assertThat(admin.listUsers(ListUsersRequest.newBuilder().setUsernamePrefix(prefix.replaceAll("[^a-z0-9._@-]", ""))
                .build()).getUsersList()).noneMatch(u -> u.getUsername().equals(username.toLowerCase()));
    }

    @Test
    void badPasswordsAreRefusedAndNoUserIsStored() {
        createRefused(TestServer.uniqueName("empty-pw"), "", "password");
        createRefused(TestServer.uniqueName("short-pw"), "1234567", "password");
        createRefused(TestServer.uniqueName("huge-pw"), "x".repeat(1024 * 1024), "password");
        createRefused(TestServer.uniqueName("ctrl-pw"), "password\u0000with nul", "password");
        createRefused(TestServer.uniqueName("ctrl-pw"), "password\u001bescape", "password");
    }

    @Test
    void badUsernamesAreRefusedAndNoUserIsStored() {
        createRefused("", TestServer.PASSWORD, "username");
        createRefused("ab", TestServer.PASSWORD, "username");
        createRefused("x".repeat(65), TestServer.PASSWORD, "username");
        createRefused("tab\tname", TestServer.PASSWORD, "username");
        createRefused("../../etc/passwd", TestServer.PASSWORD, "username");
    }

    @Test
    void longPassphrasesAreAllowedAndNeverTruncated() {
        String name = TestServer.uniqueName("long");
        String passphrase = "p".repeat(64) + "é" + "q".repeat(60);
        server.createUser(name, passphrase, io.ret.api.v1.Role.ROLE_USER);
        assertThat(server.login(name, passphrase).getUser().getUsername()).isEqualTo(name);
        refused(() -> server.login(name, passphrase.substring(0, 72)), Status.Code.UNAUTHENTICATED, "LOGIN_FAILED");
    }

    @Test
    void malformedLoginsAreRefusedBeforeAnyWorkAndAudited() {
        refused(() -> server.login("", TestServer.PASSWORD), Status.Code.INVALID_ARGUMENT, null);
        String name = TestServer.uniqueName("bad-login");
        refused(() -> server.login(name, ""), Status.Code.INVALID_ARGUMENT, null);
        // a 1 MiB password is over the edge bound of every string field: refused before authentication, not audited
        refused(() -> server.login(name, "y".repeat(1024 * 1024)), Status.Code.INVALID_ARGUMENT, null);
        refused(() -> server.login(name, "with\u0007bell"), Status.Code.INVALID_ARGUMENT, null);
        assertThat(audit(server, "login.failed", name)).hasSize(2)
                .allSatisfy(e -> assertThat(e.getDetail()).startsWith("malformed request"));
    }

    @Test
    void resetReasonsMustBePresentAndClean() {
        refused(() -> server.auth().requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                .setUsername("someone").setReason("").build()), Status.Code.INVALID_ARGUMENT, null);
        refused(() -> server.auth().requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                .setUsername("someone").setReason("bad\u0000reason").build()), Status.Code.INVALID_ARGUMENT, null);
    }
}
