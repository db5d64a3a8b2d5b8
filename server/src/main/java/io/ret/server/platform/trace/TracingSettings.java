package io.ret.server.platform.trace;

import java.util.Optional;

import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.Settings;

/**
 * Where spans go: an OTLP/HTTP endpoint ({@code ret.tracing.otlp.endpoint}, else the standard
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}); none means tracing is off. {@code sampleRatio} applies to
 * traces that start here; a propagated parent's decision is kept.
 */
public record TracingSettings(Optional<String> endpoint, double sampleRatio) {
    public static final String STANDARD_ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static TracingSettings from(Settings settings) {
        Optional<String> endpoint = settings.optionalString("ret.tracing.otlp.endpoint")
                .or(() -> Optional.ofNullable(System.getenv(STANDARD_ENDPOINT_ENV)).map(String::strip)
                        .filter(s -> !s.isEmpty()));
        String raw = settings.optionalString("ret.tracing.sample.ratio").orElse("1.0");
        double ratio;
        try {
            ratio = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException("ret.tracing.sample.ratio", "'" + raw + "' is not a number");
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new ConfigException("ret.tracing.sample.ratio", "'" + raw + "' is out of range 0..1");
        }
        endpoint.ifPresent(e -> {
            if (!e.startsWith("http://") && !e.startsWith("https://")) {
                throw new ConfigException("ret.tracing.otlp.endpoint", "'" + e + "' is not an http(s) URL");
            }
        });
        return new TracingSettings(endpoint, ratio);
    }

    public static TracingSettings off() {
        return new TracingSettings(Optional.empty(), 1.0);
    }
}
