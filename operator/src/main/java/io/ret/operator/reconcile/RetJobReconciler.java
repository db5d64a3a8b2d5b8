package io.ret.operator.reconcile;

import static io.ret.operator.reconcile.Conditions.FALSE;
import static io.ret.operator.reconcile.Conditions.POD_PENDING;
import static io.ret.operator.reconcile.Conditions.SCHEDULED;
import static io.ret.operator.reconcile.Conditions.SUCCEEDED;
import static io.ret.operator.reconcile.Conditions.TRUE;
import static io.ret.operator.reconcile.Conditions.UNKNOWN;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJob;
import io.ret.operator.api.RetJobStatus;
import io.ret.operator.reconcile.Conditions.Desired;
import io.ret.operator.reconcile.WorkerSlots.Admission;
import io.ret.operator.worker.WorkerJobs;

/**
 * Runs one CR as one worker Job, for either kind: waits for a worker slot, creates the Job,
 * mirrors the Job and its pod into the CR's status, stops the worker on cancel or deletion and
 * deletes the finished CR after its TTL. The decisions about what the Job means live in
 * {@link WorkerObservation}; this class only reads, decides which case applies and writes.
 */
public abstract class RetJobReconciler<R extends RetJob<?>> implements Reconciler<R>, Cleaner<R> {
    private static final Logger LOG = Logger.getLogger(RetJobReconciler.class.getName());
    /** A queued resource looks again this often even when no slot-freed wake-up reaches it. */
    private static final Duration QUEUE_RECHECK = Duration.ofSeconds(30);
    private static final Duration SHORTLY = Duration.ofSeconds(2);

    private final Class<R> type;
    private final WorkerJobs workerJobs;
    private final WorkerSlots slots;
    private final EventRecorder events;
    private final StatusWriter statusWriter;
    private final Clock clock;
    private InformerEventSource<Job, R> jobs;

    protected RetJobReconciler(Class<R> type, WorkerJobs workerJobs, WorkerSlots slots, EventRecorder events, Clock clock) {
        this.type = type;
        this.workerJobs = workerJobs;
        this.slots = slots;
        this.events = events;
        this.statusWriter = new StatusWriter(events);
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> context) {
        String selector = WorkerJobs.MANAGED_SELECTOR + "," + WorkerJobs.KIND_LABEL + "="
                + WorkerJobs.kindLabel(HasMetadata.getKind(type));
        // Jobs map to their CR through the owner reference (the default); pods through an annotation
        jobs = new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, type)
                .withName("jobs").withLabelSelector(selector).build(), context);
        var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, type)
                .withName("pods").withLabelSelector(selector)
                .withSecondaryToPrimaryMapper(pod -> Optional.ofNullable(pod.getMetadata().getAnnotations())
                        .map(a -> a.get(WorkerJobs.RESOURCE_ANNOTATION)).stream()
                        .map(name -> new ResourceID(name, pod.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
                .build(), context);
        var wakeUps = new SimpleInboundEventSource<R>("worker-slots");
        slots.register(context.getPrimaryCache(), wakeUps);
        return List.of(jobs, pods, wakeUps);
    }

    @Override
    public UpdateControl<R> reconcile(R resource, Context<R> context) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Optional<Job> job = context.getSecondaryResource(Job.class);
        Optional<Job> owned = job.filter(j -> ownedBy(j, resource));
        if (phase(resource).terminal()) {
            return finished(resource, owned, context, now);
        }
        if (resource.getSpec().cancelRequested() && !endedBeforeTheCancel(resource, owned, context)) {
            return cancel(resource, owned, context, now);
        }
        if (job.isPresent() && owned.isEmpty()) {
            return nameTaken(resource, job.get(), context, now);
        }
        if (owned.isEmpty()) {
            return scheduledBefore(resource) ? lost(resource, context, now) : schedule(resource, context, now);
        }
        return observe(resource, owned.get(), context, now);
    }

    /**
     * A worker that sees the cancel stops and exits 0, so a Job that completes after the cancel was
     * asked for is a cancelled job, unless the worker had recorded that the job succeeded before the
     * cancel reached it; a failed Job stays a failure. The cache may lag behind the worker's last
     * status write, so the API server is asked before the worker is stopped.
     */
    private boolean endedBeforeTheCancel(R resource, Optional<Job> owned, Context<R> context) {
        if (owned.isEmpty()) {
            return false;
        }
        if (WorkerObservation.isFailed(owned.get())) {
            return true;
        }
        Phase outcome = status(resource).outcome();
        if (outcome == null) {
            R fresh = context.getClient().resource(resource).get();
            outcome = fresh == null ? null : status(fresh).outcome();
        }
        return outcome == Phase.SUCCEEDED;
    }

    /**
     * A failed reconcile, before the retry policy ({@code RetOperator}) tries again: a refused Job
     * create becomes the {@code Scheduled} condition (reason {@code JobCreateFailed}, with the API
     * server's message) and a Warning event; any other failure a Warning event
     * ({@code ReconcileFailed}) on the first and the last attempt.
     */
    @Override
    public ErrorStatusUpdateControl<R> updateErrorStatus(R resource, Context<R> context, Exception error) {
        var retry = context.getRetryInfo();
        String attempts = retry.map(r -> r.isLastAttempt() ? "; no retries left"
                : "; attempt " + r.getAttemptCount() + ", retrying with backoff").orElse("");
        // JOSDK hands the failure over wrapped (an OperatorException around what reconcile threw)
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof JobCreateRefused)) {
            cause = cause.getCause();
        }
        LOG.log(Level.WARNING, "reconciling " + describe(resource) + " failed" + attempts + ": " + cause.getMessage());
        try {
            if (cause instanceof JobCreateRefused refused) {
                write(resource, context, Phase.PENDING, clock.instant().truncatedTo(ChronoUnit.SECONDS), List.of(
                        Desired.of(SCHEDULED, FALSE, Conditions.JOB_CREATE_FAILED, refused.getMessage() + attempts),
                        inProgress()));
            } else if (retry.isEmpty() || retry.get().getAttemptCount() <= 1 || retry.get().isLastAttempt()) {
                events.record(resource, new Transitions.Event(Transitions.Event.WARNING, Conditions.RECONCILE_FAILED,
                        cause.getClass().getSimpleName() + ": " + cause.getMessage() + attempts));
            }
        } catch (RuntimeException writeFailed) {
            LOG.log(Level.WARNING, "could not record the failure on " + describe(resource) + ": " + writeFailed.getMessage());
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** The API server refused the worker Job; the message is its own (quota, RBAC, admission webhook...). */
    static final class JobCreateRefused extends RuntimeException {
        JobCreateRefused(String jobName, KubernetesClientException cause) {
            super("the API server refused to create Job " + jobName + " (" + cause.getCode() + "): "
                    + Optional.ofNullable(cause.getStatus()).map(s -> s.getMessage()).filter(m -> m != null && !m.isBlank())
                    .orElse(cause.getMessage()), cause);
        }
    }

    /** Deletion: stop the worker now rather than when the garbage collector gets to it. */
    @Override
    public DeleteControl cleanup(R resource, Context<R> context) {
        context.getSecondaryResource(Job.class).filter(j -> ownedBy(j, resource)).ifPresent(j -> deleteJob(j, context));
        return DeleteControl.defaultDelete();
    }

    private UpdateControl<R> schedule(R resource, Context<R> context, Instant now) {
        return switch (slots.tryAcquire(resource)) {
            case Admission.NotReady notReady -> UpdateControl.<R>noUpdate().rescheduleAfter(SHORTLY);
            case Admission.Queued queued -> {
                write(resource, context, Phase.PENDING, now, List.of(
                        Desired.of(SCHEDULED, FALSE, Conditions.CONCURRENCY_LIMIT, "waiting for a free worker slot (at most "
                                + queued.limit() + " workers run at once)"),
                        inProgress()));
                yield UpdateControl.<R>noUpdate().rescheduleAfter(QUEUE_RECHECK);
            }
            case Admission.Admitted admitted -> {
                Job created;
                try {
                    created = context.getClient().resource(workerJobs.workerJob(resource)).create();
                } catch (KubernetesClientException e) {
                    slots.release(resource);
                    if (e.getCode() == 409) { // a Job of ours the cache has not shown yet
                        yield UpdateControl.<R>noUpdate().rescheduleAfter(SHORTLY);
                    }
                    // a quota, RBAC or admission refusal: updateErrorStatus shows it, the retry policy tries again
                    throw new JobCreateRefused(WorkerJobs.jobName(resource), e);
                }
                jobs.handleRecentResourceCreate(ResourceID.fromResource(created), created);
                LOG.info(() -> "created Job " + created.getMetadata().getName() + " for " + describe(resource));
                write(resource, context, Phase.PENDING, now.toString(), now, List.of(
                        Desired.of(SCHEDULED, TRUE, Conditions.JOB_CREATED, "created Job " + created.getMetadata().getName()),
                        Desired.of(POD_PENDING, TRUE, Conditions.STARTING, "waiting for the worker pod"),
                        inProgress()));
                yield UpdateControl.noUpdate();
            }
        };
    }

    private UpdateControl<R> observe(R resource, Job job, Context<R> context, Instant now) {
        List<Pod> pods = context.getSecondaryResources(Pod.class).stream()
                .filter(pod -> pod.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> Objects.equals(o.getUid(), job.getMetadata().getUid())))
                .toList();
        var spec = resource.getSpec();
        var seen = WorkerObservation.of(job, pods, phase(resource), spec.retriesOrDefault(), spec.deadlineSeconds(), now);
        String startTime = Optional.ofNullable(status(resource).startTime())
                .or(() -> Optional.ofNullable(job.getMetadata().getCreationTimestamp()))
                .orElse(now.toString());
        var conditions = Conditions.apply(status(resource).conditionsOrEmpty(), List.of(
                Desired.of(SCHEDULED, TRUE, Conditions.JOB_CREATED, "created Job " + job.getMetadata().getName()),
                seen.podPending(), seen.succeeded()), resource.getMetadata().getGeneration(), now);
        statusWriter.write(resource, new OperatorStatus(seen.phase(), startTime,
                seen.completionTime().orElse(status(resource).completionTime()), conditions,
                resource.getMetadata().getGeneration()), context);
        return seen.phase().terminal() ? expireLater(resource, seen.completionTime().orElseThrow(), now) : UpdateControl.noUpdate();
    }

    private UpdateControl<R> cancel(R resource, Optional<Job> job, Context<R> context, Instant now) {
        job.filter(j -> j.getMetadata().getDeletionTimestamp() == null).ifPresent(j -> deleteJob(j, context));
        return end(resource, context, now, Phase.CANCELLED,
                Desired.of(SUCCEEDED, FALSE, Conditions.CANCELLED, "cancelled: spec.cancel is true"));
    }

    private UpdateControl<R> lost(R resource, Context<R> context, Instant now) {
        String name = WorkerJobs.jobName(resource);
        // the cache may lag behind a Job created moments ago: ask the API server before concluding
        if (context.getClient().batch().v1().jobs().inNamespace(resource.getMetadata().getNamespace()).withName(name).get() != null) {
            return UpdateControl.<R>noUpdate().rescheduleAfter(SHORTLY);
        }
        return end(resource, context, now, Phase.FAILED,
                Desired.of(SUCCEEDED, FALSE, Conditions.JOB_LOST, "worker Job " + name + " was deleted before it finished"));
    }

    private UpdateControl<R> nameTaken(R resource, Job job, Context<R> context, Instant now) {
        write(resource, context, Phase.PENDING, now, List.of(
                Desired.of(SCHEDULED, FALSE, Conditions.JOB_NAME_TAKEN, "Job " + job.getMetadata().getName()
                        + " belongs to another resource (one deleted moments ago?); waiting for it to go"),
                inProgress()));
        return UpdateControl.<R>noUpdate().rescheduleAfter(QUEUE_RECHECK);
    }

    /** A terminal resource: keeps a cancelled worker stopped, and goes when its TTL is over. */
    private UpdateControl<R> finished(R resource, Optional<Job> job, Context<R> context, Instant now) {
        if (phase(resource) == Phase.CANCELLED) {
            job.filter(j -> j.getMetadata().getDeletionTimestamp() == null && !WorkerObservation.isFinished(j))
                    .ifPresent(j -> deleteJob(j, context));
        }
        RetJobStatus status = status(resource);
        String completed = Optional.ofNullable(status.completionTime()).orElse(now.toString());
        statusWriter.write(resource, new OperatorStatus(status.phase(), status.startTime(), completed,
                status.conditionsOrEmpty(), resource.getMetadata().getGeneration()), context);
        Integer ttl = resource.getSpec().ttlSecondsAfterFinished();
        if (ttl != null && !now.isBefore(Instant.parse(completed).plusSeconds(ttl))) {
            events.record(resource, new Transitions.Event(Transitions.Event.NORMAL, "Expired",
                    "ttlSecondsAfterFinished (" + ttl + "s) has passed; deleting"));
            context.getClient().resource(resource).delete();
            return UpdateControl.noUpdate();
        }
        return expireLater(resource, completed, now);
    }

    private UpdateControl<R> end(R resource, Context<R> context, Instant now, Phase phase, Desired outcome) {
        List<Desired> conditions = new ArrayList<>(List.of(outcome));
        if (Conditions.find(status(resource).conditionsOrEmpty(), POD_PENDING).isPresent()) {
            conditions.add(Desired.of(POD_PENDING, FALSE, Conditions.JOB_FINISHED, "the worker Job finished"));
        }
        write(resource, context, phase, now, conditions);
        return expireLater(resource, now.toString(), now);
    }

    private UpdateControl<R> expireLater(R resource, String completionTime, Instant now) {
        Integer ttl = resource.getSpec().ttlSecondsAfterFinished();
        if (ttl == null) {
            return UpdateControl.noUpdate();
        }
        Duration left = Duration.between(now, Instant.parse(completionTime).plusSeconds(ttl));
        return UpdateControl.<R>noUpdate().rescheduleAfter(left.isNegative() ? Duration.ZERO : left.plusSeconds(1));
    }

    private void write(R resource, Context<R> context, Phase phase, Instant now, List<Desired> desired) {
        write(resource, context, phase, status(resource).startTime(), now, desired);
    }

    /** Writes phase and conditions; a terminal phase gets its completion time. */
    private void write(R resource, Context<R> context, Phase phase, String startTime, Instant now, List<Desired> desired) {
        RetJobStatus status = status(resource);
        long generation = resource.getMetadata().getGeneration();
        String completionTime = phase.terminal() ? Optional.ofNullable(status.completionTime()).orElse(now.toString()) : null;
        statusWriter.write(resource, new OperatorStatus(phase, startTime, completionTime,
                Conditions.apply(status.conditionsOrEmpty(), desired, generation, now), generation), context);
    }

    private void deleteJob(Job job, Context<R> context) {
        // foreground: the Job (and its worker slot) stays until its pod is gone
        context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        LOG.info(() -> "deleting Job " + job.getMetadata().getNamespace() + "/" + job.getMetadata().getName());
    }

    private static Desired inProgress() {
        return Desired.of(SUCCEEDED, UNKNOWN, Conditions.IN_PROGRESS, "the worker has not finished");
    }

    private static boolean ownedBy(Job job, RetJob<?> resource) {
        return job.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> Objects.equals(o.getUid(), resource.getMetadata().getUid()));
    }

    private static boolean scheduledBefore(RetJob<?> resource) {
        return Conditions.isTrue(status(resource).conditionsOrEmpty(), SCHEDULED);
    }

    private static Phase phase(RetJob<?> resource) {
        return Optional.ofNullable(status(resource).phase()).orElse(Phase.PENDING);
    }

    private static RetJobStatus status(RetJob<?> resource) {
        return Optional.ofNullable(resource.getStatus())
                .orElse(new RetJobStatus(null, null, null, null, null, null, null, null, null, null));
    }

    private static String describe(RetJob<?> resource) {
        return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }
}
