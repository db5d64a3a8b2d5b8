package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.stub.MetadataUtils;
import io.ret.api.v1.ComparisonOptions;
import io.ret.api.v1.ComparisonServiceGrpc;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.FileMatch;
import io.ret.api.v1.ListErrorEventsRequest;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.RetrievalOptions;
import io.ret.api.v1.SearchRequest;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.platform.logging.LogFormat;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed and out-of-bounds requests, sent through a real channel: bytes that are not a
 * valid protobuf message, messages over the size limit, and fields outside their documented
 * bounds get clean answers (the right code, google.rpc details, the correlation id), are
 * logged as what they are, counted, and leave no stack trace and no error-log row.
 */
class MalformedRequestTest {
    private static final Metadata.Key<String> CORRELATION =
            Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static TestServer server;
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
        Logger.getLogger(LogFormat.ACCESS_LOGGER).addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        Logger.getLogger("").removeHandler(capture);
        Logger.getLogger(LogFormat.ACCESS_LOGGER).removeHandler(capture);
    }

    @Test
    void invalidUtf8InAStringFieldIsInvalidArgumentWithoutAStackTraceOrAnErrorRow() throws Exception {
        String id = "malformed-" + UUID.randomUUID();
        double before = refused("malformed");
        // field 1 (username), length 2, bytes C3 28: not UTF-8
        byte[] bytes = {0x0a, 0x02, (byte) 0xc3, 0x28, 0x12, 0x01, 0x78};

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> raw(id, "ret.v1.AuthService/Login", bytes));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(RichErrors.reason(e)).isEqualTo("MALFORMED_REQUEST");
        assertThat(e.getStatus().getDescription()).contains("ret.v1.LoginRequest").contains("UTF-8").hasSizeLessThan(300);
        assertThat(RichErrors.requestInfo(e).orElseThrow().getRequestId()).isEqualTo(id);
        assertThat(refused("malformed")).isEqualTo(before + 1);
        assertThat(accessLine(id)).contains("\"status\":\"INVALID_ARGUMENT\"").contains("ret.v1.AuthService/Login");
        assertNoStackTraceAndNoErrorRow(id);
    }

    @Test
    void aMessageOverTheLimitIsResourceExhaustedWithErrorInfoAndTheCorrelationId() throws Exception {
        String id = "oversize-" + UUID.randomUUID();
        byte[] big = LoginRequest.newBuilder().setUsername("x".repeat(3 << 20)).build().toByteArray();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> raw(id, "ret.v1.AuthService/Login", big));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(RichErrors.reason(e)).isEqualTo("MESSAGE_TOO_LARGE");
        assertThat(RichErrors.errorInfo(e).orElseThrow().getMetadataMap()).containsEntry("limit_bytes", "2097151");
        assertThat(RichErrors.requestInfo(e).orElseThrow().getRequestId()).isEqualTo(id);
        assertThat(accessLine(id)).contains("\"status\":\"RESOURCE_EXHAUSTED\"").doesNotContain("cancelled");
        assertNoStackTraceAndNoErrorRow(id);
    }

    @Test
    void aMessageOfTenMegabytesIsCutOffWhileItArrivesAndAnsweredWithErrorInfo() throws Exception {
        String id = "ten-mb-" + UUID.randomUUID();
        double before = refused("too_large");
        byte[] big = LoginRequest.newBuilder().setUsername("x".repeat(10 << 20)).build().toByteArray();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> raw(id, "ret.v1.AuthService/Login", big));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(RichErrors.reason(e)).isEqualTo("MESSAGE_TOO_LARGE");
        assertThat(e.getStatus().getDescription()).contains("still arriving");
        assertThat(RichErrors.errorInfo(e).orElseThrow().getMetadataMap()).containsEntry("limit_bytes", "2097151");
        assertThat(RichErrors.requestInfo(e).orElseThrow().getRequestId()).isEqualTo(id);
        assertThat(refused("too_large")).isEqualTo(before + 1);
        assertThat(accessLine(id)).contains("\"status\":\"RESOURCE_EXHAUSTED\"").doesNotContain("cancelled");
        assertNoStackTraceAndNoErrorRow(id);
    }

    @Test
    void aCompressedMessageThatInflatesPastTheLimitIsRefusedWithErrorInfo() throws Exception {
        String id = "gzip-" + UUID.randomUUID();
        // 3 MiB of one letter: a few kilobytes on the wire
        byte[] big = LoginRequest.newBuilder().setUsername("x".repeat(3 << 20)).build().toByteArray();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> raw(id, "ret.v1.AuthService/Login", big, CallOptions.DEFAULT.withCompression("gzip")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(RichErrors.reason(e)).isEqualTo("MESSAGE_TOO_LARGE");
        assertThat(e.getStatus().getDescription()).contains("inflated");
        assertThat(RichErrors.requestInfo(e).orElseThrow().getRequestId()).isEqualTo(id);
        assertNoStackTraceAndNoErrorRow(id);
    }

    @Test
    void anOversizeMessageToTheHealthServiceIsCutOffToo() {
        byte[] big = HealthCheckRequest.newBuilder().setService("x".repeat(10 << 20)).build().toByteArray();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> raw("health-" + UUID.randomUUID(), "grpc.health.v1.Health/Check", big));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getStatus().getDescription()).contains("over the limit of 2097151 bytes");
    }

    /**
     * Past the Netty transport's own limit (64 MiB) grpc-java refuses the message when it reads
     * its header, before any RET code hears of the call: no details then, but the real status
     * in the access log.
     */
    @Test
    void aMessageOverTheTransportLimitIsLoggedAsResourceExhaustedNotAsACancel() throws Exception {
        String id = "huge-" + UUID.randomUUID();
        byte[] huge = LoginRequest.newBuilder().setUsername("x".repeat(65 << 20)).build().toByteArray();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> raw(id, "ret.v1.AuthService/Login", huge));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(RichErrors.errorInfo(e)).isEmpty();
        assertThat(accessLine(id)).contains("\"status\":\"RESOURCE_EXHAUSTED\"").doesNotContain("cancelled by the client");
        assertNoStackTraceAndNoErrorRow(id);
    }

    @Test
    void tenThousandKeyColumnsAreRefusedUpFrontWithAFieldViolation() {
        SessionClient user = SessionClient.newUser(server, "bounds");
        ComparisonOptions.Builder options = ComparisonOptions.newBuilder();
        for (int i = 0; i < 10_000; i++) {
            options.addKeyColumns("column_" + i);
        }
        var comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        String someId = UUID.randomUUID().toString();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> comparisons.startComparison(
                StartComparisonRequest.newBuilder().setLeftSessionId(someId).setRightSessionId(someId)
                        .setOptions(options).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violation(e).getField()).isEqualTo("options.key_columns");
        assertThat(violation(e).getDescription()).contains("10000 items").contains("at most 32");
    }

    @Test
    void anUnknownEnumValueIsRefusedAndNamesTheField() {
        SessionClient user = SessionClient.newUser(server, "enum");
        var comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        String someId = UUID.randomUUID().toString();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> comparisons.startComparison(
                StartComparisonRequest.newBuilder().setLeftSessionId(someId).setRightSessionId(someId)
                        .setOptions(ComparisonOptions.newBuilder().setFileMatchValue(99)).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violation(e).getField()).isEqualTo("options.file_match");
        assertThat(violation(e).getDescription()).contains("99").contains(FileMatch.getDescriptor().getFullName());
    }

    @Test
    void aNanScoreIsRefusedAndNamesTheField() {
        SessionClient user = SessionClient.newUser(server, "nan");
        var rag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(10, TimeUnit.SECONDS);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> rag.search(
                SearchRequest.newBuilder().setCollectionId(UUID.randomUUID().toString()).setQuery("anything")
                        .setOptions(RetrievalOptions.newBuilder().setMinScore(Double.NaN)).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violation(e).getField()).isEqualTo("options.min_score");
        assertThat(violation(e).getDescription()).contains("finite");
    }

    @Test
    void anOverlongStringIsRefusedWithItsLengthAndBound() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> server.auth()
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .login(LoginRequest.newBuilder().setUsername("u".repeat(5000)).setPassword("p").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(violation(e).getField()).isEqualTo("username");
        assertThat(violation(e).getDescription()).contains("5000").contains("4096");
    }

    @Test
    void comparisonCallsOnAnUnknownIdNameTheComparison() {
        SessionClient user = SessionClient.newUser(server, "cmp");
        String id = UUID.randomUUID().toString();
        var comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(10, TimeUnit.SECONDS);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> comparisons.getComparison(
                io.ret.api.v1.GetComparisonRequest.newBuilder().setComparisonId(id).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(RichErrors.reason(e)).isEqualTo("COMPARISON_NOT_FOUND");
        assertThat(e.getStatus().getDescription()).isEqualTo("comparison '" + id + "' not found");
    }

    private static BadRequest.FieldViolation violation(StatusRuntimeException e) {
        return RichErrors.badRequest(e).orElseThrow().getFieldViolations(0);
    }

    private static byte[] raw(String correlationId, String method, byte[] request) {
        return raw(correlationId, method, request, CallOptions.DEFAULT);
    }

    private static byte[] raw(String correlationId, String method, byte[] request, CallOptions options) {
        Metadata headers = new Metadata();
        headers.put(CORRELATION, correlationId);
        Channel channel = ClientInterceptors.intercept(server.channel(),
                MetadataUtils.newAttachHeadersInterceptor(headers));
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
                .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        return ClientCalls.blockingUnaryCall(channel, descriptor,
                options.withDeadlineAfter(20, TimeUnit.SECONDS), request);
    }

    private double refused(String kind) {
        String prefix = "ret_grpc_requests_refused_total{kind=\"" + kind + "\"";
        return server.server().platform().metrics().scrape().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private String accessLine(String correlationId) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (LogRecord record : logged) {
                if (record.getLoggerName().equals(LogFormat.ACCESS_LOGGER) && record.getMessage().contains(correlationId)) {
                    return record.getMessage();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no access log line for " + correlationId);
    }

    private void assertNoStackTraceAndNoErrorRow(String correlationId) {
        assertThat(logged).noneMatch(record -> record.getThrown() != null);
        assertThat(server.admin(server.adminToken()).listErrorEvents(ListErrorEventsRequest.newBuilder()
                .setFilter(EventFilter.newBuilder().setCorrelationId(correlationId)).build()).getEventsList()).isEmpty();
        assertThat(Collections.unmodifiableList(logged)).isNotEmpty();
    }
}
