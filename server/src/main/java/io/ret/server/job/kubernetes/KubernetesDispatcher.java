package io.ret.server.job.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJob;
import io.ret.operator.api.RetJobSpec;
import io.ret.server.job.AbandonedJobs;
import io.ret.server.job.JobEvents;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobState;
import io.ret.server.job.JobStore;
import io.ret.server.job.JobType;
import io.ret.server.job.Jobs;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.observe.BackgroundLoops;

/**
 * Runs conversion and indexing jobs on Kubernetes: a submitted job becomes a
 * ConversionJob / IndexJob resource that the operator turns into a worker
 * pod; CancelJob sets the resource's cancel flag. Other job types stay with
 * the local executor. A sweep settles jobs whose worker can no longer speak
 * for them (the resource failed, was cancelled or vanished), so no client
 * waits forever on a job whose pod was OOM-killed or lost with its node.
 */
public final class KubernetesDispatcher implements Jobs.Dispatcher, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubernetesDispatcher.class.getName());
    private static final Duration GRACE_BEFORE_MISSING = Duration.ofMinutes(1);

    private final KubernetesClient client;
    private final String namespace;
    private final JobStore store;
    private final JobEvents events;
    private final Jobs.Dispatcher local;
    private final Function<String, String> usernameOf;
    private final long ttlSeconds;
    private final Clock clock;
    private final BackgroundLoops.Loop sweepFailures;
    private final AbandonedJobs abandoned;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("job-dispatch-sweep").daemon().factory());

    /**
     * @param local      where jobs without a resource kind go (comparisons)
     * @param usernameOf user id to username, for the resource's spec.owner
     * @param abandoned  told of every job this dispatcher settles in its worker's stead
     */
    public KubernetesDispatcher(KubernetesClient client, String namespace, JobStore store, JobEvents events,
                                Jobs.Dispatcher local, Function<String, String> usernameOf, Duration ttl, Clock clock,
                                BackgroundLoops loops, AbandonedJobs abandoned) {
        this.abandoned = abandoned;
        this.client = client;
        this.namespace = namespace;
        this.store = store;
        this.events = events;
        this.local = local;
        this.usernameOf = usernameOf;
        this.ttlSeconds = ttl.toSeconds();
        this.clock = clock;
        this.sweepFailures = loops.loop("job-dispatch-sweep", LOG);
    }

    /** The job types that run as resources. */
    public static List<JobType> dispatchedTypes() {
        return List.of(JobResources.Kind.values()).stream().map(JobResources.Kind::jobType).toList();
    }

    public void start(Duration sweepEvery) {
        sweeper.scheduleWithFixedDelay(this::sweep, sweepEvery.toMillis(), sweepEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void submitted(JobRecord job) {
        var kind = JobResources.Kind.of(job.type());
        if (kind.isEmpty()) {
            local.submitted(job);
            return;
        }
        try {
            RetJob<?> resource = JobResources.resourceFor(job, kind.get(), usernameOf.apply(job.ownerId()), namespace,
                    ttlSeconds);
            client.resource(resource).inNamespace(namespace).create();
        } catch (KubernetesClientException | com.google.protobuf.InvalidProtocolBufferException e) {
            LOG.log(Level.WARNING, "cannot create the resource for job " + job.id(), e);
            if (store.settle(job.id(), JobState.FAILED, "DISPATCH_FAILED", "the Kubernetes API refused the job: "
                    + e.getMessage(), clock.instant())) {
                abandoned.ended(job, JobState.FAILED);
            }
            events.changed(job.id());
            throw ApiException.unavailable("KUBERNETES_UNAVAILABLE",
                    "the job could not be handed to Kubernetes; retry shortly", Duration.ofSeconds(5));
        }
    }

    @Override
    public void cancelRequested(JobRecord job) {
        var kind = JobResources.Kind.of(job.type());
        if (kind.isEmpty()) {
            local.cancelRequested(job);
            return;
        }
        try {
            Optional<? extends RetJob<?>> resource = resourcesOf(kind.get()).stream()
                    .filter(r -> r.retJobId().equals(job.id())).findFirst();
            if (resource.isEmpty()) {
                LOG.warning("no resource runs job " + job.id() + "; the sweep settles it");
                return;
            }
            client.resources(kind.get().resourceClass()).inNamespace(namespace)
                    .withName(resource.get().getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), RetJobSpec.CANCEL_PATCH);
        } catch (KubernetesClientException e) {
            // the sweep settles it if the resource is gone; the database already says "cancel requested"
            LOG.log(Level.WARNING, "cannot flag job " + job.id() + " cancelled on Kubernetes: " + e.getMessage());
        }
    }

    /** Settles unfinished jobs whose resource says they can no longer finish. */
    public void sweep() {
        try {
            Instant now = clock.instant();
            Map<JobResources.Kind, Map<String, RetJob<?>>> byJobId = new EnumMap<>(JobResources.Kind.class);
            for (JobRecord job : store.unfinished(dispatchedTypes())) {
                var kind = JobResources.Kind.of(job.type()).orElseThrow();
                // one list per kind and sweep; kubectl-applied resources have names of their own
                RetJob<?> resource = byJobId.computeIfAbsent(kind, k -> resourcesOf(k).stream()
                        .collect(Collectors.toMap(RetJob::retJobId, r -> (RetJob<?>) r, (a, b) -> a))).get(job.id());
                JobState settled = null;
                if (resource == null) {
                    if (job.createdAt().plus(GRACE_BEFORE_MISSING).isBefore(now) && store.settle(job.id(),
                            JobState.FAILED, "WORKER_RESOURCE_MISSING", "its " + kind.resourceName()
                                    + " resource was deleted", now)) {
                        settled = JobState.FAILED;
                    }
                } else {
                    String message = JobResources.outcomeMessage(resource);
                    settled = switch (resource.phase().orElse(Phase.PENDING)) {
                        case FAILED -> store.settle(job.id(), JobState.FAILED, "WORKER_FAILED",
                                message.isEmpty() ? "its worker failed" : message, now) ? JobState.FAILED : null;
                        case CANCELLED -> store.settle(job.id(), JobState.CANCELLED, "CANCELLED",
                                message.isEmpty() ? "cancelled" : message, now) ? JobState.CANCELLED : null;
                        case PENDING, RUNNING, SUCCEEDED -> null; // a success is the worker's to record
                    };
                }
                if (settled != null) {
                    abandoned.ended(job, settled);
                    events.changed(job.id());
                }
            }
            sweepFailures.succeeded();
        } catch (RuntimeException e) {
            sweepFailures.failed("dispatch sweep failed", e);
        }
    }

    private List<? extends RetJob<?>> resourcesOf(JobResources.Kind kind) {
        return client.resources(kind.resourceClass()).inNamespace(namespace).list().getItems();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        client.close();
    }
}
