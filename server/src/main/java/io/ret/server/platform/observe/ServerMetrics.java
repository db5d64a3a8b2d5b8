package io.ret.server.platform.observe;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry and the gRPC call meters; features add their own gauges. */
public final class ServerMetrics {
    private static final Duration[] BUCKETS = java.util.stream.Stream.of(1, 5, 10, 25, 50, 100, 250, 500, 1000,
            2500, 5000, 10_000, 60_000).map(Duration::ofMillis).toArray(Duration[]::new);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("ret.grpc.server.in.flight", inFlight, AtomicInteger::get)
                .description("gRPC calls being served")
                .register(registry);
    }

    public void callStarted() {
        inFlight.incrementAndGet();
    }

    /** One finished call: counted and timed by method and status code. */
    public void callFinished(String method, String code, long nanos) {
        inFlight.decrementAndGet();
        timers.computeIfAbsent(method + ' ' + code, key -> Timer.builder("ret.grpc.server.calls")
                        .description("gRPC calls by method and status code")
                        .tags("method", method, "code", code)
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public int inFlight() {
        return inFlight.get();
    }

    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    public Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }
}
