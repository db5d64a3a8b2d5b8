package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.audit;
import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.ret.api.v1.CreateApiKeyRequest;
import io.ret.api.v1.CreateUserRequest;
import io.ret.api.v1.ListApiKeysRequest;
import io.ret.api.v1.RevokeApiKeyRequest;
import io.ret.api.v1.Role;
import io.ret.api.v1.User;
import io.ret.api.v1.UserKind;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Service accounts authenticate with API keys: shown once, stored hashed, revocable. */
class ApiKeyTest {
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
    void createUseListAndRevoke() {
        var admin = server.admin(server.adminToken());
        User service = admin.createUser(CreateUserRequest.newBuilder().setUsername(TestServer.uniqueName("importer"))
                .setKind(UserKind.USER_KIND_SERVICE).setRole(Role.ROLE_USER).build());
        var created = admin.createApiKey(CreateApiKeyRequest.newBuilder().setServiceAccountId(service.getId())
                .setDescription("nightly import").build());
        String secret = created.getSecret();
        assertThat(secret).startsWith("ret_" + created.getApiKey().getPrefix() + "_");

        var asService = TestServer.header(server.auth(), "x-api-key", secret);
        User me = asService.whoAmI(WhoAmIRequest.getDefaultInstance());
        assertThat(me.getId()).isEqualTo(service.getId());
        assertThat(me.getKind()).isEqualTo(UserKind.USER_KIND_SERVICE);

        var listed = admin.listApiKeys(ListApiKeysRequest.newBuilder().setServiceAccountId(service.getId()).build());
        assertThat(listed.getApiKeysList()).singleElement().satisfies(k -> {
            assertThat(k.getPrefix()).isEqualTo(created.getApiKey().getPrefix());
            assertThat(k.toString()).doesNotContain(secret.substring(14));
        });
        String stored = server.server().platform().db().queryOne("SELECT key_hash FROM api_keys WHERE id = ?",
                r -> r.getString(1), created.getApiKey().getId()).orElseThrow();
        assertThat(stored).hasSize(64).doesNotContain(secret);

        admin.revokeApiKey(RevokeApiKeyRequest.newBuilder().setApiKeyId(created.getApiKey().getId()).build());
        refused(() -> asService.whoAmI(WhoAmIRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "API_KEY_INVALID");
        assertThat(audit(server, "api_key.create", created.getApiKey().getId())).hasSize(1);
        assertThat(audit(server, "api_key.revoke", created.getApiKey().getId())).hasSize(1);
    }

    @Test
    void keysAreForServiceAccountsOnlyAndMalformedKeysAreRefused() {
        var admin = server.admin(server.adminToken());
        User human = server.newUser("human");
        refused(() -> admin.createApiKey(CreateApiKeyRequest.newBuilder().setServiceAccountId(human.getId()).build()),
                Status.Code.FAILED_PRECONDITION, "NOT_A_SERVICE_ACCOUNT");
        refused(() -> TestServer.header(server.auth(), "x-api-key", "ret_abcdefgh_" + "x".repeat(43))
                .whoAmI(WhoAmIRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "API_KEY_INVALID");
        refused(() -> TestServer.header(server.auth(), "x-api-key", "nonsense")
                .whoAmI(WhoAmIRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "API_KEY_INVALID");
        String token = server.login(human.getUsername(), TestServer.PASSWORD).getAccessToken();
        refused(() -> TestServer.header(TestServer.bearer(server.auth(), token), "x-api-key", "nonsense")
                .whoAmI(WhoAmIRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "CREDENTIALS_AMBIGUOUS");
    }

    @Test
    void serviceAccountsCannotSignInWithAPassword() {
        var admin = server.admin(server.adminToken());
        String name = TestServer.uniqueName("svc");
        admin.createUser(CreateUserRequest.newBuilder().setUsername(name).setKind(UserKind.USER_KIND_SERVICE).build());
        refused(() -> server.login(name, "anything at all"), Status.Code.UNAUTHENTICATED, "LOGIN_FAILED");
        refused(() -> admin.createUser(CreateUserRequest.newBuilder().setUsername(TestServer.uniqueName("svc"))
                .setKind(UserKind.USER_KIND_SERVICE).setPassword("a password").build()), Status.Code.INVALID_ARGUMENT, null);
    }
}
