package io.ret.operator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.ret.operator.api.Phase;
import io.ret.operator.reconcile.WorkerSlots;

/**
 * The operator's metrics in Prometheus format ({@code /metrics} on the health port): JOSDK's own
 * (reconciliations started, succeeded, failed and retried, queue size and execution time per
 * controller, without per-resource series) and RET's: worker slots in use and their limit,
 * resources waiting for a slot, and resources by phase.
 */
final class OperatorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerMetrics josdk = MicrometerMetrics.newMicrometerMetricsBuilder(registry)
            .notCollectingMetricsPerResource().build();

    /** What JOSDK reports through. */
    MicrometerMetrics josdk() {
        return josdk;
    }

    void bind(WorkerSlots slots) {
        Gauge.builder("ret.operator.worker.slots.used", slots, WorkerSlots::inUse)
                .description("worker Jobs running or being created, both kinds").register(registry);
        Gauge.builder("ret.operator.worker.slots.limit", slots, WorkerSlots::limit)
                .description("worker Jobs allowed at once (RET_OPERATOR_MAX_RUNNING)").register(registry);
        Gauge.builder("ret.operator.waiting", slots, WorkerSlots::waitingCount)
                .description("resources waiting for a worker slot").register(registry);
        for (Phase phase : Phase.values()) {
            Gauge.builder("ret.operator.resources", slots, s -> s.countByPhase().get(phase))
                    .description("ConversionJob and IndexJob resources by status.phase")
                    .tag("phase", phase.name().charAt(0) + phase.name().substring(1).toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
    }

    /** Prometheus text exposition format. */
    String scrape() {
        return registry.scrape();
    }
}
