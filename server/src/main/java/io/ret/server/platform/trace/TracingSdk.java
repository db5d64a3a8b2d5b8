package io.ret.server.platform.trace;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.ret.server.platform.events.Instance;

/**
 * The OpenTelemetry SDK exporting over OTLP/HTTP (protobuf), started only when an endpoint is
 * configured. Closing it flushes the spans still queued (a worker pod's last write included).
 */
public final class TracingSdk implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TracingSdk.class.getName());
    private static final String TRACES_PATH = "/v1/traces";

    private final OpenTelemetrySdk sdk;
    private final AutoCloseable installation;

    private TracingSdk(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.installation = Tracing.install(sdk);
    }

    /**
     * @param serviceName {@code service.name} of the spans: ret-server or ret-worker
     * @return the running SDK, or a no-op handle when no endpoint is configured
     */
    public static AutoCloseable start(TracingSettings settings, String serviceName) {
        if (settings.endpoint().isEmpty()) {
            return () -> { };
        }
        String endpoint = settings.endpoint().get().replaceAll("/+$", "");
        if (!endpoint.endsWith(TRACES_PATH)) {
            endpoint += TRACES_PATH; // OTEL_EXPORTER_OTLP_ENDPOINT is the base URL of all signals
        }
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), serviceName,
                AttributeKey.stringKey("service.instance.id"), Instance.id())));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(endpoint).setTimeout(Duration.ofSeconds(10)).build()).build())
                .build();
        LOG.info("tracing on: spans of " + serviceName + " go to " + endpoint);
        return new TracingSdk(OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build());
    }

    @Override
    public void close() throws Exception {
        installation.close();
        sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
    }
}
