package io.ret.server.auth;

import static io.ret.server.auth.AuthFixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.ret.api.v1.AdminServiceGrpc;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ListAuditEventsRequest;
import io.ret.api.v1.ListLimitRequestsRequest;
import io.ret.api.v1.ListMyLimitRequestsRequest;
import io.ret.api.v1.RequestLimitIncreaseRequest;
import io.ret.api.v1.RevokeLoginSessionRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.UserLimits;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every AdminService method (taken from the service descriptor, not a
 * hand-picked list) refuses users and anonymous callers, and each refusal is
 * audited. Users cannot reach each other's objects.
 */
class AdminAccessTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @SuppressWarnings("unchecked")
    private static void call(MethodDescriptor<?, ?> method, String token) {
        var typed = (MethodDescriptor<Message, Message>) method;
        Message request = ((MethodDescriptor.PrototypeMarshaller<Message>) typed.getRequestMarshaller()).getMessagePrototype();
        var channel = token == null ? server.channel()
                : io.grpc.ClientInterceptors.intercept(server.channel(), io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(
                bearer(token)));
        ClientCalls.blockingUnaryCall(channel, typed, CallOptions.DEFAULT, request);
    }

    private static io.grpc.Metadata bearer(String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return headers;
    }

    @Test
    void everyAdminMethodRefusesUsersAndAnonymousCallers() {
        User user = server.newUser("not-admin");
        String token = server.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
        var methods = AdminServiceGrpc.getServiceDescriptor().getMethods();
        assertThat(methods).hasSizeGreaterThanOrEqualTo(17);
        for (MethodDescriptor<?, ?> method : methods) {
            refused(() -> call(method, token), Status.Code.PERMISSION_DENIED, "ADMIN_REQUIRED");
            refused(() -> call(method, null), Status.Code.UNAUTHENTICATED, "CREDENTIALS_MISSING");
        }
        List<String> deniedTargets = server.admin(server.adminToken()).listAuditEvents(ListAuditEventsRequest.newBuilder()
                        .setPageSize(200).setFilter(EventFilter.newBuilder().setUserId(user.getId())
                                .setAction("authorization.denied")).build())
                .getEventsList().stream().map(e -> e.getTarget()).toList();
        assertThat(deniedTargets).containsExactlyInAnyOrderElementsOf(
                methods.stream().map(MethodDescriptor::getFullMethodName).toList());
    }

    @Test
    void usersCannotReachEachOthersObjects() {
        User alice = server.newUser("alice");
        User bob = server.newUser("bob");
        var aliceTokens = server.login(alice.getUsername(), TestServer.PASSWORD);
        var bobTokens = server.login(bob.getUsername(), TestServer.PASSWORD);
        var bobAuth = AuthFixture.as(server, bobTokens.getAccessToken());
        var bobsSession = bobAuth.listLoginSessions(io.ret.api.v1.ListLoginSessionsRequest.getDefaultInstance())
                .getSessions(0).getId();
        bobAuth.requestLimitIncrease(RequestLimitIncreaseRequest.newBuilder()
                .setRequested(UserLimits.newBuilder().setMaxSessions(10)).setReason("more sessions please").build());

        var aliceAuth = AuthFixture.as(server, aliceTokens.getAccessToken());
        refused(() -> aliceAuth.revokeLoginSession(RevokeLoginSessionRequest.newBuilder()
                .setLoginSessionId(bobsSession).build()), Status.Code.NOT_FOUND, null);
        assertThat(aliceAuth.listMyLimitRequests(ListMyLimitRequestsRequest.getDefaultInstance()).getRequestsList())
                .isEmpty();
        // bob's session survived alice's attempt
        assertThat(bobAuth.whoAmI(io.ret.api.v1.WhoAmIRequest.getDefaultInstance()).getId()).isEqualTo(bob.getId());
        // and the admin sees bob's request
        assertThat(server.admin(server.adminToken()).listLimitRequests(ListLimitRequestsRequest.newBuilder()
                .setUserId(bob.getId()).build()).getRequestsList()).hasSize(1);
    }
}
