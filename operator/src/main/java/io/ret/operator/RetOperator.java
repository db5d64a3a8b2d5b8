package io.ret.operator;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.ret.operator.reconcile.ConversionJobReconciler;
import io.ret.operator.reconcile.EventRecorder;
import io.ret.operator.reconcile.IndexJobReconciler;
import io.ret.operator.reconcile.WorkerSlots;
import io.ret.operator.worker.WorkerJobs;

/** The running operator: both controllers, sharing one pool of worker slots. Tests start it too. */
public final class RetOperator implements AutoCloseable {
    /**
     * A failed reconcile (say a Job create refused by a quota) is tried again after 2 s, then twice
     * as long each time up to 2 minutes, for as long as it fails: a quota frees up, RBAC gets fixed.
     */
    static final GenericRetry RETRY = new GenericRetry().setInitialInterval(Duration.ofSeconds(2))
            .setIntervalMultiplier(2).setMaxInterval(Duration.ofMinutes(2).toMillis()).withoutMaxAttempts();
    /** Lease timings: a new leader takes over at most this long after the old one stopped renewing. */
    static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    private final Operator operator;
    private final WorkerSlots slots;
    private final OperatorMetrics metrics;

    private RetOperator(Operator operator, WorkerSlots slots, OperatorMetrics metrics) {
        this.operator = operator;
        this.slots = slots;
        this.metrics = metrics;
    }

    public static RetOperator start(KubernetesClient client, OperatorSettings settings, Clock clock) {
        return start(client, settings, clock, true);
    }

    /**
     * @param exitOnLostLease a replica that loses its lease exits (so its pod restarts as a follower
     *                        with fresh caches); tests running two operators in one JVM turn this off
     */
    public static RetOperator start(KubernetesClient client, OperatorSettings settings, Clock clock,
                                    boolean exitOnLostLease) {
        var metrics = new OperatorMetrics();
        // Server-side apply stays off: the operator's writes are a finalizer, the Job and status merge
        // patches, none of which gains from it, and fabric8's mock API server does not support it.
        var operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withCloseClientOnStop(false)
                    .withMetrics(metrics.josdk());
            settings.leaderElection().ifPresent(election -> o.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(election.leaseName(), election.leaseNamespace(), LEASE_DURATION,
                            RENEW_DEADLINE, RETRY_PERIOD, election.identity(), null, exitOnLostLease)));
        });
        // Every replica keeps its slot informer in sync, so a new leader counts the running workers
        // from the cluster's Jobs the moment it takes over; nothing about slots lives only in memory.
        var slots = new WorkerSlots(client, settings.namespaces(), settings.maxRunning(), clock);
        var events = new EventRecorder(client);
        var workerJobs = new WorkerJobs(settings.worker());
        operator.register(new ConversionJobReconciler(workerJobs, slots, events, clock), o -> configure(o, settings));
        operator.register(new IndexJobReconciler(workerJobs, slots, events, clock), o -> configure(o, settings));
        metrics.bind(slots);
        slots.start();
        operator.start();
        return new RetOperator(operator, slots, metrics);
    }

    private static void configure(ControllerConfigurationOverrider<?> overrider, OperatorSettings settings) {
        overrider.settingNamespaces(settings.allNamespaces() ? Set.of(Constants.WATCH_ALL_NAMESPACES) : settings.namespaces());
        overrider.withRetry(RETRY);
    }

    /** Started, and every informer connected: the operator sees what happens (leader or not). */
    public boolean healthy() {
        return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    /** Prometheus text exposition of the operator's metrics. */
    public String scrape() {
        return metrics.scrape();
    }

    @Override
    public void close() {
        operator.stop();
        slots.close();
    }
}
