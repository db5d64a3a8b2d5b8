package io.ret.operator.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.ret.operator.worker.WorkerJobs;

/**
 * A small stand-in for Kubernetes' Job controller, for the mock API server (which has none):
 * pods from the template (one per open completion; an Indexed Job's pods carry their index), a
 * new pod after a failure while backoffLimit allows, Complete once every completion has a pod that
 * succeeded, Failed (BackoffLimitExceeded or DeadlineExceeded) otherwise.
 * It reacts to Job and pod changes on one thread, as the real controller would.
 */
public final class JobControllerDouble implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobControllerDouble.class.getName());

    private final KubernetesClient client;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    public JobControllerDouble(KubernetesClient client, String namespace) {
        this.client = client;
        informers.add(client.batch().v1().jobs().inNamespace(namespace).inform(new Trigger<>(j -> j)));
        informers.add(client.pods().inNamespace(namespace).inform(new Trigger<>(this::ownerJob)));
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        loop.shutdownNow();
    }

    private final class Trigger<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final java.util.function.Function<T, HasMetadata> jobOf;

        Trigger(java.util.function.Function<T, HasMetadata> jobOf) {
            this.jobOf = jobOf;
        }

        @Override
        public void onAdd(T obj) {
            schedule(jobOf.apply(obj), 0);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            schedule(jobOf.apply(newObj), 0);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            schedule(jobOf.apply(obj), 0);
        }
    }

    /** The pod's Job as a name-only reference, or null. */
    private HasMetadata ownerJob(Pod pod) {
        return pod.getMetadata().getOwnerReferences().stream().filter(o -> "Job".equals(o.getKind())).findFirst()
                .map(o -> (HasMetadata) new Job(null, null, new ObjectMetaBuilder().withName(o.getName())
                        .withNamespace(pod.getMetadata().getNamespace()).build(), null, null))
                .orElse(null);
    }

    private void schedule(HasMetadata job, long delayMillis) {
        if (job != null && !loop.isShutdown()) {
            String namespace = job.getMetadata().getNamespace();
            String name = job.getMetadata().getName();
            loop.schedule(() -> sync(namespace, name), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void sync(String namespace, String name) {
        try {
            Job job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (job == null) {
                // the garbage collector's part: a deleted Job's pods go with it
                client.pods().inNamespace(namespace).list().getItems().stream()
                        .filter(p -> p.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> "Job".equals(o.getKind()) && name.equals(o.getName())))
                        .forEach(p -> client.resource(p).delete());
                return;
            }
            if (job.getMetadata().getDeletionTimestamp() != null || finished(job)) {
                return;
            }
            List<Pod> pods = client.pods().inNamespace(namespace).list().getItems().stream()
                    .filter(p -> p.getMetadata().getOwnerReferences().stream()
                            .anyMatch(o -> Objects.equals(o.getUid(), job.getMetadata().getUid())))
                    .toList();
            int failed = count(pods, "Failed");
            int succeeded = count(pods, "Succeeded");
            int active = pods.size() - failed - succeeded;
            Instant start = job.getStatus() == null || job.getStatus().getStartTime() == null ? now()
                    : Instant.parse(job.getStatus().getStartTime());
            Long deadline = job.getSpec().getActiveDeadlineSeconds();
            int completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
            boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
            // Indexed: an index is done when one of its pods succeeded; otherwise any pod's success counts
            List<Integer> open = new ArrayList<>();
            for (int index = 0; index < completions; index++) {
                int i = index;
                boolean done = indexed ? pods.stream().anyMatch(p -> i == index(p) && "Succeeded".equals(phase(p)))
                        : index < succeeded;
                if (!done) {
                    open.add(index);
                }
            }
            JobCondition end = null;
            if (open.isEmpty()) {
                end = condition("Complete", null, null);
            } else if (failed > job.getSpec().getBackoffLimit()) {
                end = condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
                pods.stream().filter(p -> !finished(p)).forEach(p -> client.resource(p).delete());
                active = 0;
            } else if (deadline != null && !now().isBefore(start.plusSeconds(deadline))) {
                end = condition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
                pods.stream().filter(p -> !finished(p)).forEach(p -> client.resource(p).delete());
                active = 0;
            } else if (indexed) {
                for (int index : open) {
                    if (pods.stream().noneMatch(p -> index == index(p) && !finished(p))) {
                        client.resource(podFor(job, index)).create();
                        active++;
                    }
                }
            } else {
                for (int missing = open.size() - active; missing > 0; missing--) {
                    client.resource(podFor(job, -1)).create();
                    active++;
                }
            }
            if (end == null && deadline != null) {
                schedule(job, Math.max(0, start.plusSeconds(deadline).toEpochMilli() - System.currentTimeMillis()) + 50);
            }
            var status = new JobStatusBuilder().withStartTime(start.toString()).withActive(active == 0 ? null : active)
                    .withFailed(failed == 0 ? null : failed).withSucceeded(succeeded == 0 ? null : succeeded);
            if (end != null) {
                status.withConditions(end).withCompletionTime("Complete".equals(end.getType()) ? now().toString() : null);
            }
            job.setStatus(status.build());
            client.resource(job).updateStatus();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Job controller double: sync of " + name + " failed; retrying", e);
            schedule(new Job(null, null, new ObjectMetaBuilder().withName(name).withNamespace(namespace).build(), null, null), 100);
        }
    }

    /** A pod from the Job's template; an Indexed Job's pod carries its index, as the real controller writes it. */
    private static Pod podFor(Job job, int index) {
        var template = job.getSpec().getTemplate();
        var pod = new PodBuilder()
                .withNewMetadataLike(template.getMetadata())
                    .withName(job.getMetadata().getName() + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 25, 1L << 30), 36))
                    .withNamespace(job.getMetadata().getNamespace())
                    .addToLabels("job-name", job.getMetadata().getName())
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                            .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(template.getSpec())
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
        if (index >= 0) {
            pod.getMetadata().getAnnotations().put(WorkerJobs.COMPLETION_INDEX_ANNOTATION, Integer.toString(index));
        }
        return pod;
    }

    /** An Indexed Job's pod's index, or -1. */
    public static int index(Pod pod) {
        String value = pod.getMetadata().getAnnotations() == null ? null
                : pod.getMetadata().getAnnotations().get(WorkerJobs.COMPLETION_INDEX_ANNOTATION);
        return value == null || value.isEmpty() ? -1 : Integer.parseInt(value);
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    private static JobCondition condition(String type, String reason, String message) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastTransitionTime(now().toString()).withLastProbeTime(now().toString()).build();
    }

    private static boolean finished(Job job) {
        return job.getStatus() != null && job.getStatus().getConditions() != null
                && job.getStatus().getConditions().stream().anyMatch(c -> "True".equals(c.getStatus())
                        && ("Complete".equals(c.getType()) || "Failed".equals(c.getType())));
    }

    private static boolean finished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static int count(List<Pod> pods, String phase) {
        return (int) pods.stream().filter(p -> p.getStatus() != null && phase.equals(p.getStatus().getPhase())).count();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
