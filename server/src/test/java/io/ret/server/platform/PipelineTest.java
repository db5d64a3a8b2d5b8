package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ListAuditEventsRequest;
import io.ret.api.v1.ListErrorEventsRequest;
import io.ret.probe.v1.ProbeRequest;
import io.ret.probe.v1.ProbeResponse;
import io.ret.probe.v1.ProbeServiceGrpc;
import io.ret.server.platform.config.RetConfig.Transport;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The request pipeline through a real channel, on both transports:
 * reflection, health, correlation ids, policies, error mapping.
 */
class PipelineTest {
    private static final Map<Transport, TestServer> SERVERS = new EnumMap<>(Transport.class);
    private static final Metadata.Key<String> CORRELATION =
            Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);

    static synchronized TestServer server(Transport transport) {
        return SERVERS.computeIfAbsent(transport, t -> TestServer.builder().transport(t).probe().start());
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
        SERVERS.clear();
    }

    private static ProbeServiceGrpc.ProbeServiceBlockingStub probe(TestServer server) {
        return ProbeServiceGrpc.newBlockingStub(server.channel());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void reflectionListsEveryRetService(Transport transport) throws Exception {
        TestServer server = server(transport);
        List<String> services = reflect(server, ServerReflectionRequest.newBuilder().setListServices("").build())
                .getListServicesResponse().getServiceList().stream().map(s -> s.getName()).toList();
        assertThat(services).contains("ret.v1.AuthService", "ret.v1.AdminService", "ret.v1.SessionService",
                "ret.v1.ConversionService", "ret.v1.ComparisonService", "ret.v1.RagService", "ret.v1.JobService",
                "grpc.health.v1.Health");
        // buf curl resolves a method by asking for the file that declares its service
        ServerReflectionResponse file = reflect(server, ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("ret.v1.AuthService").build());
        assertThat(file.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
    }

    private static ServerReflectionResponse reflect(TestServer server, ServerReflectionRequest request) throws Exception {
        AtomicReference<ServerReflectionResponse> answer = new AtomicReference<>();
        var done = new java.util.concurrent.CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(server.channel())
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.set(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(answer.get()).as("reflection answer").isNotNull();
        return answer.get();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void healthReportsServingOverallAndPerService(Transport transport) {
        var health = HealthGrpc.newBlockingStub(server(transport).channel());
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("ret.v1.JobService").build()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void correlationIdFromClientRoundTripsToHandlerAndHeaders(Transport transport) {
        String id = "test-" + UUID.randomUUID();
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        ProbeResponse answer = probe(server(transport))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(correlation(id)),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .slow(ProbeRequest.newBuilder().setText("hi").build());
        assertThat(answer.getCorrelationId()).isEqualTo(id);
        assertThat(headers.get().get(CORRELATION)).isEqualTo(id);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void correlationIdIsMadeWhenMissingOrUnsafe(Transport transport) {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        ProbeResponse answer = probe(server(transport))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(correlation("bad id with spaces\"")),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .slow(ProbeRequest.getDefaultInstance());
        assertThat(answer.getCorrelationId()).matches("[0-9a-f-]{36}");
        assertThat(headers.get().get(CORRELATION)).isEqualTo(answer.getCorrelationId());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void errorsCarryRichDetailsAndTheCorrelationId(Transport transport) {
        String id = "test-" + UUID.randomUUID();
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        var stub = probe(server(transport)).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(correlation(id)),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        StatusRuntimeException e = catchStatus(() -> stub.fail(ProbeRequest.newBuilder().setFail("invalid").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(RichErrors.reason(e)).isEqualTo("INVALID_ARGUMENT");
        assertThat(RichErrors.badRequest(e).orElseThrow().getFieldViolations(0).getField()).isEqualTo("text");
        assertThat(RichErrors.requestInfo(e).orElseThrow().getRequestId()).isEqualTo(id);
        assertThat(trailers.get().get(CORRELATION)).isEqualTo(id);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void unexpectedErrorsBecomeInternalWithoutDetailAndAreStored(Transport transport) {
        TestServer server = server(transport);
        for (String mode : List.of("internal", "on-error")) {
            String id = "test-" + UUID.randomUUID();
            var stub = probe(server).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(correlation(id)));
            StatusRuntimeException e = catchStatus(() -> stub.fail(ProbeRequest.newBuilder().setFail(mode).build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(e.getStatus().getDescription()).contains(id).doesNotContain("SELECT", "password", "secret");
            assertThat(RichErrors.requestInfo(e).orElseThrow().getRequestId()).isEqualTo(id);
            var events = server.admin(server.adminToken()).listErrorEvents(ListErrorEventsRequest.newBuilder()
                    .setFilter(EventFilter.newBuilder().setCorrelationId(id)).build()).getEventsList();
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.getPhase()).isEqualTo("rpc");
                assertThat(event.getMethod()).isEqualTo("ret.probe.v1.ProbeService/Fail");
                assertThat(event.getErrorType()).isEqualTo(IllegalStateException.class.getName());
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void databaseConnectionFailuresAreUnavailableWithRetryInfo(Transport transport) {
        StatusRuntimeException e = catchStatus(() -> probe(server(transport))
                .fail(ProbeRequest.newBuilder().setFail("database").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(RichErrors.reason(e)).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(e.getStatus().getDescription()).isEqualTo("the database is unavailable; retry shortly");
        assertThat(RichErrors.retryInfo(e)).isPresent();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void methodWithoutAccessPolicyIsRefusedAndAudited(Transport transport) {
        TestServer server = server(transport);
        String id = "test-" + UUID.randomUUID();
        var stub = probe(server).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(correlation(id)));
        StatusRuntimeException anonymous = catchStatus(() -> stub.unguarded(ProbeRequest.getDefaultInstance()));
        assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(RichErrors.reason(anonymous)).isEqualTo("NO_ACCESS_POLICY");
        // not even an admin may call it
        StatusRuntimeException admin = catchStatus(() -> TestServer.bearer(stub, server.adminToken())
                .unguarded(ProbeRequest.getDefaultInstance()));
        assertThat(admin.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        var audit = server.admin(server.adminToken()).listAuditEvents(ListAuditEventsRequest.newBuilder()
                .setFilter(EventFilter.newBuilder().setCorrelationId(id)).build()).getEventsList();
        // both refusals (anonymous and admin) carried the same correlation id
        assertThat(audit).hasSize(2).allSatisfy(event -> {
            assertThat(event.getAction()).isEqualTo("authorization.denied");
            assertThat(event.getTarget()).isEqualTo("ret.probe.v1.ProbeService/Unguarded");
            assertThat(event.getOutcome()).isEqualTo("denied");
            assertThat(event.getPeerAddress()).isEqualTo("127.0.0.1");
        });
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void authenticatedMethodsNeedCredentialsAndAdminMethodsTheAdminRole(Transport transport) {
        TestServer server = server(transport);
        StatusRuntimeException missing = catchStatus(() -> probe(server).echo(ProbeRequest.getDefaultInstance()));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(RichErrors.reason(missing)).isEqualTo("CREDENTIALS_MISSING");

        var user = server.newUser("pipeline");
        String token = server.login(user.getUsername(), TestServer.PASSWORD).getAccessToken();
        assertThat(TestServer.bearer(probe(server), token).echo(ProbeRequest.newBuilder().setText("x").build())
                .getPrincipal()).isEqualTo(user.getUsername());
        StatusRuntimeException notAdmin = catchStatus(() -> TestServer.bearer(probe(server), token)
                .adminEcho(ProbeRequest.getDefaultInstance()));
        assertThat(notAdmin.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(RichErrors.reason(notAdmin)).isEqualTo("ADMIN_REQUIRED");
        assertThat(TestServer.bearer(probe(server), server.adminToken()).adminEcho(ProbeRequest.getDefaultInstance())
                .getPrincipal()).isEqualTo(TestServer.ADMIN_USERNAME);
    }

    static Metadata correlation(String id) {
        Metadata metadata = new Metadata();
        metadata.put(CORRELATION, id);
        return metadata;
    }

    static StatusRuntimeException catchStatus(Runnable call) {
        AtomicReference<StatusRuntimeException> caught = new AtomicReference<>();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, caught::set);
        return caught.get();
    }
}
