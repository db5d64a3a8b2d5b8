package io.ret.operator;

import java.time.Clock;
import java.util.Set;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.ret.operator.reconcile.ConversionJobReconciler;
import io.ret.operator.reconcile.EventRecorder;
import io.ret.operator.reconcile.IndexJobReconciler;
import io.ret.operator.reconcile.WorkerSlots;
import io.ret.operator.worker.WorkerJobs;

/** The running operator: both controllers, sharing one pool of worker slots. Tests start it too. */
public final class RetOperator implements AutoCloseable {
    private final Operator operator;
    private final WorkerSlots slots;

    private RetOperator(Operator operator, WorkerSlots slots) {
        this.operator = operator;
        this.slots = slots;
    }

    public static RetOperator start(KubernetesClient client, OperatorSettings settings, Clock clock) {
        // Server-side apply stays off: the operator's writes are a finalizer, the Job and status merge
        // patches, none of which gains from it, and fabric8's mock API server does not support it.
        var operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false));
        var slots = new WorkerSlots(client, settings.namespaces(), settings.maxRunning(), clock);
        var events = new EventRecorder(client);
        var workerJobs = new WorkerJobs(settings.worker());
        operator.register(new ConversionJobReconciler(workerJobs, slots, events, clock), o -> watch(o, settings));
        operator.register(new IndexJobReconciler(workerJobs, slots, events, clock), o -> watch(o, settings));
        slots.start();
        operator.start();
        return new RetOperator(operator, slots);
    }

    private static void watch(ControllerConfigurationOverrider<?> overrider, OperatorSettings settings) {
        overrider.settingNamespaces(settings.allNamespaces() ? Set.of(Constants.WATCH_ALL_NAMESPACES) : settings.namespaces());
    }

    /** Started, and every informer connected: the operator sees what happens. */
    public boolean healthy() {
        return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    @Override
    public void close() {
        operator.stop();
        slots.close();
    }
}
