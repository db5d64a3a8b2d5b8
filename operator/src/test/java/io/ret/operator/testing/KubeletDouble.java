package io.ret.operator.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ret.operator.worker.WorkerJobs;

/**
 * Plays the kubelet (and the scheduler) for worker pods, which nothing runs in the test clusters:
 * it sets a pod's status as a node would. Works against the mock and the real API server alike.
 *
 * <p>This is also the seam for an end-to-end test with the real worker: wait for the pod with
 * {@link #awaitPod}, run the worker main with the pod's args and environment, then report its exit
 * code with {@link #runWorker} (or {@link #start} and {@link #exit}).
 */
public final class KubeletDouble {
    /** Whatever executes a worker pod's container; returns its exit code. */
    @FunctionalInterface
    public interface Worker {
        int run(Pod pod) throws Exception;
    }

    private final KubernetesClient client;

    public KubeletDouble(KubernetesClient client) {
        this.client = client;
    }

    /** The Job's newest pod that has not ended (the one a retry created, after a failure). */
    public Pod awaitPod(Job job) {
        return Eventually.get("a live pod of Job " + job.getMetadata().getName(), () -> pods(job).stream()
                .filter(p -> !List.of("Succeeded", "Failed").contains(phase(p)))
                .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())));
    }

    /** {@code count} pods of the Job that have not ended (the pods of a Job with parallelism), oldest first. */
    public List<Pod> awaitPods(Job job, int count) {
        return Eventually.get(count + " live pods of Job " + job.getMetadata().getName(), () -> {
            List<Pod> live = pods(job).stream().filter(p -> !List.of("Succeeded", "Failed").contains(phase(p)))
                    .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp())
                            .thenComparing(p -> p.getMetadata().getName()))
                    .toList();
            return live.size() >= count ? Optional.of(live) : Optional.empty();
        });
    }

    public List<Pod> pods(Job job) {
        return client.pods().inNamespace(job.getMetadata().getNamespace())
                .withLabel(WorkerJobs.MANAGED_BY_LABEL, WorkerJobs.MANAGED_BY).list().getItems().stream()
                .filter(p -> p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> Objects.equals(o.getUid(), job.getMetadata().getUid())))
                .toList();
    }

    /** Starts the pod, runs {@code worker} in its place, and ends the pod with the worker's exit code. */
    public int runWorker(Pod pod, Worker worker) throws Exception {
        start(pod);
        int exitCode = worker.run(pod);
        exit(pod, exitCode, exitCode == 0 ? null : "worker exited with " + exitCode);
        return exitCode;
    }

    public Pod start(Pod pod) {
        return edit(pod, "Running", status -> status
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build())
                .withStartTime(now())
                .withContainerStatuses(new ContainerStatusBuilder().withName(WorkerJobs.CONTAINER).withReady(true)
                        .withImage(image(pod)).withImageID("").withRestartCount(0)
                        .withNewState().withNewRunning().withStartedAt(now()).endRunning().endState()
                        .build()));
    }

    /** The container ended: Succeeded for 0, Failed otherwise; {@code message} is its termination message. */
    public Pod exit(Pod pod, int exitCode, String message) {
        return edit(pod, exitCode == 0 ? "Succeeded" : "Failed", status -> status
                .withContainerStatuses(new ContainerStatusBuilder().withName(WorkerJobs.CONTAINER).withReady(false)
                        .withImage(image(pod)).withImageID("").withRestartCount(0)
                        .withNewState().withNewTerminated().withExitCode(exitCode)
                        .withReason(exitCode == 0 ? "Completed" : "Error").withMessage(message)
                        .withStartedAt(now()).withFinishedAt(now()).endTerminated().endState()
                        .build()));
    }

    /** What the scheduler writes when no node fits. */
    public Pod unschedulable(Pod pod, String message) {
        return edit(pod, "Pending", status -> status.withConditions(new PodConditionBuilder()
                .withType("PodScheduled").withStatus("False").withReason("Unschedulable").withMessage(message)
                .withLastTransitionTime(now()).build()));
    }

    /** A container that cannot start, e.g. ImagePullBackOff. */
    public Pod waiting(Pod pod, String reason, String message) {
        return edit(pod, "Pending", status -> status
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build())
                .withContainerStatuses(new ContainerStatusBuilder().withName(WorkerJobs.CONTAINER).withReady(false)
                        .withImage(image(pod)).withImageID("").withRestartCount(0)
                        .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
                        .build()));
    }

    private Pod edit(Pod pod, String phase, UnaryOperator<PodStatusBuilder> change) {
        return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .editStatus(p -> {
                    var status = new PodStatusBuilder(Optional.ofNullable(p.getStatus()).orElseGet(PodStatus::new));
                    p.setStatus(change.apply(status.withPhase(phase)).build());
                    return p;
                });
    }

    private static String image(Pod pod) {
        return pod.getSpec().getContainers().getFirst().getImage();
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
