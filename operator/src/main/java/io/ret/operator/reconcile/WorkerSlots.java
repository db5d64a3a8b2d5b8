package io.ret.operator.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJob;
import io.ret.operator.worker.WorkerJobs;

/**
 * How many workers may run at once, across both kinds, and who is next.
 *
 * <p>A worker occupies a slot from the moment its Job is created until the Job has finished or is
 * gone (a Job deleted with foreground propagation keeps its slot until its pod is gone). Slots are
 * counted from this class's own informer over every managed Job, plus the Jobs it let reconcilers
 * create that the informer has not delivered yet, so two reconciles at once never both take the
 * last slot. Waiting resources of both kinds form one queue: higher {@code spec.priority} first,
 * then older first. When a slot frees, the first waiting resources are reconciled again.
 */
public final class WorkerSlots implements AutoCloseable {
    /** A created Job the informer has not shown after this long is no longer counted on its own. */
    private static final Duration LAUNCH_EXPIRY = Duration.ofMinutes(2);

    public sealed interface Admission {
        record Admitted() implements Admission {
        }

        record Queued(int limit) implements Admission {
        }

        /** The Job informer has not synced yet: counts would be wrong, so nobody starts. */
        record NotReady() implements Admission {
        }
    }

    private record Queue(IndexedResourceCache<? extends RetJob<?>> resources, SimpleInboundEventSource<?> wakeUps) {
    }

    private static final Comparator<RetJob<?>> QUEUE_ORDER = Comparator
            .comparingInt((RetJob<?> r) -> -r.getSpec().priorityOrDefault())
            .thenComparing(r -> r.getMetadata().getCreationTimestamp(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(RetJob::getKind)
            .thenComparing(r -> r.getMetadata().getNamespace())
            .thenComparing(r -> r.getMetadata().getName());

    private final int limit;
    private final Clock clock;
    private final List<SharedIndexInformer<Job>> informers = new ArrayList<>();
    private final List<Queue> queues = new CopyOnWriteArrayList<>();
    /** Jobs created through {@link #tryAcquire} that the informer may not show yet, by Job id. */
    private final Map<ResourceID, Instant> launching = new HashMap<>();

    /** @param namespaces watched namespaces; empty means all */
    public WorkerSlots(KubernetesClient client, Set<String> namespaces, int limit, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        this.limit = limit;
        this.clock = clock;
        var jobs = client.batch().v1().jobs();
        if (namespaces.isEmpty()) {
            informers.add(jobs.inAnyNamespace().withLabel(WorkerJobs.MANAGED_BY_LABEL, WorkerJobs.MANAGED_BY).runnableInformer(0));
        } else {
            for (String namespace : namespaces) {
                informers.add(jobs.inNamespace(namespace).withLabel(WorkerJobs.MANAGED_BY_LABEL, WorkerJobs.MANAGED_BY)
                        .runnableInformer(0));
            }
        }
        informers.forEach(informer -> informer.addEventHandler(new SlotEvents()));
    }

    public void start() {
        informers.forEach(SharedIndexInformer::start);
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }

    /** A controller's resources join the queue; {@code wakeUps} reconciles them when a slot frees. */
    public <R extends RetJob<?>> void register(IndexedResourceCache<R> resources, SimpleInboundEventSource<R> wakeUps) {
        queues.add(new Queue(resources, wakeUps));
    }

    /**
     * Admitted means the caller must now create the resource's worker Job (or call
     * {@link #release} if that fails): the slot is held for it.
     */
    public synchronized Admission tryAcquire(RetJob<?> candidate) {
        if (!informers.stream().allMatch(SharedIndexInformer::hasSynced)) {
            return new Admission.NotReady();
        }
        int running = running();
        List<RetJob<?>> queue = waiting(candidate);
        int position = queue.indexOf(candidate);
        if (position < limit - running) {
            launching.put(jobId(candidate), clock.instant());
            return new Admission.Admitted();
        }
        return new Admission.Queued(limit);
    }

    /** The Job of an admitted resource could not be created: give its slot back. */
    public synchronized void release(RetJob<?> resource) {
        launching.remove(jobId(resource));
    }

    private int running() {
        Instant expired = clock.instant().minus(LAUNCH_EXPIRY);
        launching.values().removeIf(createdAt -> createdAt.isBefore(expired));
        int active = 0;
        for (Job job : managedJobs()) {
            launching.remove(ResourceID.fromResource(job));
            if (!WorkerObservation.isFinished(job)) {
                active++;
            }
        }
        return active + launching.size();
    }

    /** Workers running or being created now (the operator's metric of slots in use). */
    public synchronized int inUse() {
        return running();
    }

    public int limit() {
        return limit;
    }

    /** Resources waiting for a slot, both kinds. */
    public synchronized long waitingCount() {
        return queued().count();
    }

    /** Resources of both kinds by {@code status.phase} (Pending when the operator has not written one yet). */
    public Map<Phase, Long> countByPhase() {
        Map<Phase, Long> counts = new java.util.EnumMap<>(Phase.class);
        for (Phase phase : Phase.values()) {
            counts.put(phase, 0L);
        }
        queues.stream().flatMap(q -> q.resources().list())
                .forEach(r -> counts.merge(r.phase().orElse(Phase.PENDING), 1L, Long::sum));
        return counts;
    }

    /** The waiting resources of every kind in queue order, with {@code candidate} among them. */
    private List<RetJob<?>> waiting(RetJob<?> candidate) {
        ResourceID candidateId = ResourceID.fromResource(candidate);
        // the candidate as the reconcile sees it replaces its cached copy, which may be older
        Stream<RetJob<?>> others = queued().map(Waiting::resource)
                .filter(r -> !(r.getKind().equals(candidate.getKind()) && ResourceID.fromResource(r).equals(candidateId)));
        return Stream.concat(others, Stream.of(candidate)).sorted(QUEUE_ORDER).toList();
    }

    private record Waiting(RetJob<?> resource, Queue queue) {
    }

    private Stream<Waiting> queued() {
        Set<ResourceID> jobs = managedJobs().stream().map(ResourceID::fromResource).collect(Collectors.toSet());
        jobs.addAll(launching.keySet());
        return queues.stream()
                .flatMap(q -> q.resources().list().map(r -> new Waiting(r, q)))
                .filter(w -> isWaiting(w.resource(), jobs));
    }

    /** Not finished, not cancelled or going, and without a worker Job yet ({@code jobs}: the Jobs known). */
    private static boolean isWaiting(RetJob<?> resource, Set<ResourceID> jobs) {
        var status = resource.getStatus();
        Phase phase = status == null ? null : status.phase();
        return (phase == null || !phase.terminal())
                && resource.getMetadata().getDeletionTimestamp() == null
                && !resource.getSpec().cancelRequested()
                && (status == null || !Conditions.isTrue(status.conditionsOrEmpty(), Conditions.SCHEDULED))
                && !jobs.contains(jobId(resource));
    }

    private List<Job> managedJobs() {
        return informers.stream().flatMap(i -> i.getStore().list().stream()).toList();
    }

    private static ResourceID jobId(RetJob<?> resource) {
        return new ResourceID(WorkerJobs.jobName(resource), resource.getMetadata().getNamespace());
    }

    /** Reconciles as many waiting resources as there are free slots (at least one). */
    private void wakeWaiting() {
        List<Waiting> next;
        synchronized (this) {
            int free = Math.max(1, limit - running());
            next = queued().sorted(Comparator.comparing(Waiting::resource, QUEUE_ORDER)).limit(free).toList();
        }
        next.forEach(w -> w.queue().wakeUps().propagateEvent(ResourceID.fromResource(w.resource())));
    }

    private final class SlotEvents implements ResourceEventHandler<Job> {
        @Override
        public void onAdd(Job job) {
            if (WorkerObservation.isFinished(job)) {
                wakeWaiting();
            }
        }

        @Override
        public void onUpdate(Job before, Job after) {
            if (!WorkerObservation.isFinished(before) && WorkerObservation.isFinished(after)) {
                wakeWaiting();
            }
        }

        @Override
        public void onDelete(Job job, boolean finalStateUnknown) {
            wakeWaiting();
        }
    }
}
