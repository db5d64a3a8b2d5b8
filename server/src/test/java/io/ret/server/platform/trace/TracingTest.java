package io.ret.server.platform.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.JobState;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartConversionRequest;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;

/**
 * Spans recorded by the SDK's in-memory exporter while a real server answers calls through a
 * real channel: one server span per call carrying the correlation id, and a conversion's job and
 * phase spans in the trace of the call that started it.
 */
class TracingTest {
    private static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("ret.correlation_id");

    private static InMemorySpanExporter exporter;
    private static SdkTracerProvider provider;
    private static AutoCloseable installed;
    private static TestServer server;
    private static SessionClient user;

    @BeforeAll
    static void start() {
        exporter = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        installed = Tracing.install(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
        server = TestServer.builder().set("ret.archive.max.ratio", "100000").start();
        user = SessionClient.newUser(server, "traced");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        installed.close();
        provider.shutdown();
    }

    @Test
    void aCallIsAServerSpanNamedByItsMethodWithTheCorrelationIdAndTheWorkBeneathIt() {
        String correlationId = "trace-" + UUID.randomUUID();
        var auth = TestServer.header(TestServer.bearer(AuthServiceGrpc.newBlockingStub(server.channel()), user.token()),
                "x-correlation-id", correlationId);

        auth.whoAmI(WhoAmIRequest.getDefaultInstance());

        SpanData call = awaitSpan(s -> s.getName().equals("ret.v1.AuthService/WhoAmI")
                && correlationId.equals(s.getAttributes().get(CORRELATION_ID)));
        assertThat(call.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("rpc.system"))).isEqualTo("grpc");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("rpc.service"))).isEqualTo("ret.v1.AuthService");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("WhoAmI");
        assertThat(call.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isZero();
        assertThat(call.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        // the rate limit and the account lookup ran inside the call: Redis (and database) spans are its children
        assertThat(childrenOf(call)).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("db.system.name")))
                .contains("redis");
    }

    @Test
    void aFailedCallsSpanCarriesItsStatusCode() {
        String missing = UUID.randomUUID().toString();
        try {
            user.jobs().getJob(GetJobRequest.newBuilder().setJobId(missing).build());
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        }
        SpanData call = awaitSpan(s -> s.getName().equals("ret.v1.JobService/GetJob")
                && s.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")) == Status.Code.NOT_FOUND.value());
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getStatus().getDescription()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aConversionsJobAndPhaseSpansAreInTheTraceOfTheCallThatStartedIt() throws Exception {
        Session session = user.upload("traced.zip", ZipBytes.zip(Map.of("orders.xml",
                "<orders><order id=\"1\"><sku>A</sku></order><order id=\"2\"><sku>B</sku></order></orders>")));
        String correlationId = "convert-" + UUID.randomUUID();
        var started = TestServer.header(user.conversions(), "x-correlation-id", correlationId)
                .startConversion(StartConversionRequest.newBuilder().setSessionId(session.getId())
                        .setOptions(ConversionOptions.getDefaultInstance()).build());
        assertThat(user.await(started.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

        SpanData call = awaitSpan(s -> s.getName().equals("ret.v1.ConversionService/StartConversion")
                && correlationId.equals(s.getAttributes().get(CORRELATION_ID)));
        SpanData job = awaitSpan(s -> s.getName().equals("job conversion")
                && started.getId().equals(s.getAttributes().get(AttributeKey.stringKey("ret.job.id"))));
        assertThat(job.getTraceId()).isEqualTo(call.getTraceId());
        assertThat(job.getParentSpanId()).as("the job's parent is the call").isEqualTo(call.getSpanId());
        assertThat(job.getAttributes().get(CORRELATION_ID)).isEqualTo(correlationId);
        assertThat(job.getAttributes().get(AttributeKey.stringKey("ret.job.end"))).isEqualTo("SUCCEEDED");

        List<SpanData> phases = childrenOf(job).stream().filter(s -> s.getName().startsWith("phase ")).toList();
        assertThat(phases).isNotEmpty().allSatisfy(p -> assertThat(p.getTraceId()).isEqualTo(call.getTraceId()));
        // the job's writes (the last one records SUCCEEDED) are database spans under its phases
        List<String> phaseIds = phases.stream().map(SpanData::getSpanId).toList();
        assertThat(exporter.getFinishedSpanItems()).filteredOn(s -> phaseIds.contains(s.getParentSpanId()))
                .extracting(s -> s.getAttributes().get(AttributeKey.stringKey("db.query.text")))
                .anySatisfy(sql -> assertThat(sql).startsWith("UPDATE jobs SET state = ?"));
    }

    private static List<SpanData> childrenOf(SpanData parent) {
        return exporter.getFinishedSpanItems().stream().filter(s -> parent.getSpanId().equals(s.getParentSpanId())).toList();
    }

    private static SpanData awaitSpan(Predicate<SpanData> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Optional<SpanData> found = exporter.getFinishedSpanItems().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such span among " + exporter.getFinishedSpanItems().stream()
                        .map(SpanData::getName).distinct().toList());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
