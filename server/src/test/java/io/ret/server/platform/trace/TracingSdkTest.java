package io.ret.server.platform.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.ConfigLoader;

/** Tracing is off (the no-op tracer) unless an OTLP endpoint is configured, and off again once closed. */
class TracingSdkTest {

    private static TracingSettings settings(Map<String, String> values) {
        return TracingSettings.from(ConfigLoader.load(values, false));
    }

    @Test
    void withoutAnEndpointTracingStaysOffAndSpansAreNoOps() throws Exception {
        try (AutoCloseable tracing = TracingSdk.start(settings(Map.of()), "ret-test")) {
            assertThat(Tracing.on()).isFalse();
            Span span = Tracing.tracer().spanBuilder("nothing").startSpan();
            assertThat(span.getSpanContext().isValid()).isFalse();
            span.end();
            assertThat(Tracing.traceparent()).isNull();
            assertThat(Tracing.<String, RuntimeException>inSpan("plain", io.opentelemetry.api.trace.SpanKind.INTERNAL,
                    io.opentelemetry.api.common.Attributes.empty(), () -> Tracing.traceparent())).isNull();
        }
    }

    @Test
    void anEndpointTurnsTracingOnUntilTheSdkIsClosed() throws Exception {
        // nothing listens there: spans are dropped on export, which must not disturb the traced work
        try (AutoCloseable tracing = TracingSdk.start(settings(Map.of("ret.tracing.otlp.endpoint", "http://127.0.0.1:9")),
                "ret-test")) {
            assertThat(Tracing.on()).isTrue();
            String traceparent = Tracing.<String, RuntimeException>inSpan("work",
                    io.opentelemetry.api.trace.SpanKind.INTERNAL, io.opentelemetry.api.common.Attributes.empty(),
                    Tracing::traceparent);
            assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]");
            assertThat(Span.fromContext(Tracing.parentFrom(traceparent)).getSpanContext().getTraceId())
                    .isEqualTo(traceparent.substring(3, 35));
        }
        assertThat(Tracing.on()).isFalse();
    }

    @Test
    void aSampleRatioOutsideZeroToOneOrAnEndpointThatIsNoUrlIsRefused() {
        assertThatThrownBy(() -> settings(Map.of("ret.tracing.sample.ratio", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ret.tracing.sample.ratio");
        assertThatThrownBy(() -> settings(Map.of("ret.tracing.otlp.endpoint", "collector:4318")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ret.tracing.otlp.endpoint");
    }
}
