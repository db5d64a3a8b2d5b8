package io.ret.operator.reconcile;

import static io.ret.operator.reconcile.Conditions.FALSE;
import static io.ret.operator.reconcile.Conditions.POD_PENDING;
import static io.ret.operator.reconcile.Conditions.SUCCEEDED;
import static io.ret.operator.reconcile.Conditions.TRUE;
import static io.ret.operator.reconcile.Conditions.UNKNOWN;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.ret.operator.api.Phase;
import io.ret.operator.reconcile.Conditions.Desired;

/**
 * What a worker Job and its pods say about the job: the phase and the PodPending and Succeeded
 * conditions. A pure function of the observed objects, so it is tested without a cluster.
 *
 * @param completionTime set when the Job finished
 */
public record WorkerObservation(Phase phase, Desired podPending, Desired succeeded, Optional<String> completionTime) {
    /** Waiting reasons of a container that is merely on its way up. */
    private static final Set<String> STARTING_REASONS = Set.of("ContainerCreating", "PodInitializing");
    private static final int MAX_DETAIL = 300;

    /**
     * @param pods the Job's pods (any order)
     * @param current the CR's phase so far
     */
    public static WorkerObservation of(Job job, List<Pod> pods, Phase current, int retries, Integer deadlineSeconds, Instant now) {
        Optional<JobCondition> complete = finished(job, "Complete");
        if (complete.isPresent()) {
            String at = Optional.ofNullable(job.getStatus().getCompletionTime())
                    .or(() -> Optional.ofNullable(complete.get().getLastTransitionTime()))
                    .orElse(now.toString());
            return new WorkerObservation(Phase.SUCCEEDED, workerDone(),
                    Desired.of(SUCCEEDED, TRUE, Conditions.COMPLETED, "the worker finished after " + runs(job) + " run(s)"),
                    Optional.of(at));
        }
        Optional<JobCondition> failed = finished(job, "Failed");
        if (failed.isPresent()) {
            String at = Optional.ofNullable(failed.get().getLastTransitionTime()).orElse(now.toString());
            return new WorkerObservation(Phase.FAILED, workerDone(), failure(failed.get(), pods, retries, deadlineSeconds),
                    Optional.of(at));
        }
        boolean running = pods.stream().anyMatch(p -> "Running".equals(phaseOf(p)));
        // a job that has run stays Running while a retry's pod starts
        boolean ran = pods.stream().anyMatch(p -> List.of("Running", "Succeeded", "Failed").contains(phaseOf(p)));
        Phase phase = ran || current == Phase.RUNNING ? Phase.RUNNING : Phase.PENDING;
        int failures = failures(job);
        Desired succeeded = failures == 0
                ? Desired.of(SUCCEEDED, UNKNOWN, Conditions.IN_PROGRESS, "the worker has not finished")
                : Desired.of(SUCCEEDED, UNKNOWN, Conditions.RETRYING, "worker run " + failures + " failed"
                        + lastExit(pods).map(e -> " (" + e + ")").orElse("")
                        + "; retry " + failures + " of " + retries);
        return new WorkerObservation(phase, podPending(pods, running), succeeded, Optional.empty());
    }

    private static Desired podPending(List<Pod> pods, boolean running) {
        if (running) {
            Pod pod = pods.stream().filter(p -> "Running".equals(phaseOf(p))).findFirst().orElseThrow();
            return Desired.of(POD_PENDING, FALSE, Conditions.POD_RUNNING, "worker pod " + name(pod) + " is running");
        }
        Optional<Pod> pending = pods.stream().filter(p -> "Pending".equals(phaseOf(p)))
                .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.nullsFirst(Comparator.naturalOrder())));
        if (pending.isEmpty()) {
            return Desired.of(POD_PENDING, TRUE, Conditions.STARTING, "waiting for the worker pod");
        }
        Pod pod = pending.get();
        Optional<PodCondition> unschedulable = Optional.ofNullable(pod.getStatus()).stream()
                .flatMap(s -> Stream.ofNullable(s.getConditions()).flatMap(List::stream))
                .filter(c -> "PodScheduled".equals(c.getType()) && FALSE.equals(c.getStatus())
                        && Conditions.UNSCHEDULABLE.equals(c.getReason()))
                .findFirst();
        if (unschedulable.isPresent()) {
            return Desired.of(POD_PENDING, TRUE, Conditions.UNSCHEDULABLE,
                    "worker pod " + name(pod) + " cannot be scheduled: " + nullToEmpty(unschedulable.get().getMessage()));
        }
        Optional<ContainerStateWaiting> stuck = containerStatuses(pod)
                .map(s -> s.getState() == null ? null : s.getState().getWaiting())
                .filter(w -> w != null && w.getReason() != null && !STARTING_REASONS.contains(w.getReason()))
                .findFirst();
        if (stuck.isPresent()) {
            String detail = stuck.get().getMessage() == null ? "" : ": " + clip(stuck.get().getMessage());
            return Desired.of(POD_PENDING, TRUE, stuck.get().getReason(),
                    "worker pod " + name(pod) + " is waiting (" + stuck.get().getReason() + ")" + detail);
        }
        return Desired.of(POD_PENDING, TRUE, Conditions.STARTING, "worker pod " + name(pod) + " is starting");
    }

    private static Desired failure(JobCondition failed, List<Pod> pods, int retries, Integer deadlineSeconds) {
        String exit = lastExit(pods).map(e -> "; last run " + e).orElse("");
        return switch (nullToEmpty(failed.getReason())) {
            case "DeadlineExceeded" -> Desired.of(SUCCEEDED, FALSE, Conditions.DEADLINE_EXCEEDED,
                    "the worker did not finish within deadlineSeconds (" + deadlineSeconds + ")" + exit);
            case "BackoffLimitExceeded" -> Desired.of(SUCCEEDED, FALSE, Conditions.BACKOFF_LIMIT_EXCEEDED,
                    "the worker failed " + (retries + 1) + " time(s), retries included" + exit);
            default -> Desired.of(SUCCEEDED, FALSE, Conditions.WORKER_FAILED,
                    "the worker Job failed: " + nullToEmpty(failed.getMessage()) + exit);
        };
    }

    /** "exited with code 2 (Error): last line of the termination message" of the latest failed run. */
    static Optional<String> lastExit(List<Pod> pods) {
        return pods.stream()
                .filter(p -> "Failed".equals(phaseOf(p)))
                .flatMap(p -> containerStatuses(p).map(s -> s.getState() == null ? null : s.getState().getTerminated())
                        .filter(t -> t != null).limit(1))
                .max(Comparator.comparing(ContainerStateTerminated::getFinishedAt, Comparator.nullsFirst(Comparator.naturalOrder())))
                .map(WorkerObservation::describe);
    }

    private static String describe(ContainerStateTerminated terminated) {
        String text = "exited with code " + terminated.getExitCode();
        if (terminated.getReason() != null) {
            text += " (" + terminated.getReason() + ")";
        }
        String message = nullToEmpty(terminated.getMessage()).strip();
        if (!message.isEmpty()) {
            text += ": " + clip(message.lines().reduce((first, last) -> last).orElse(""));
        }
        return text;
    }

    private static Desired workerDone() {
        return Desired.of(POD_PENDING, FALSE, Conditions.JOB_FINISHED, "the worker Job finished");
    }

    static Optional<JobCondition> finished(Job job, String type) {
        return Optional.ofNullable(job.getStatus()).stream()
                .flatMap(s -> Stream.ofNullable(s.getConditions()).flatMap(List::stream))
                .filter(c -> type.equals(c.getType()) && TRUE.equals(c.getStatus()))
                .findFirst();
    }

    public static boolean isFinished(Job job) {
        return finished(job, "Complete").isPresent() || finished(job, "Failed").isPresent();
    }

    public static boolean isFailed(Job job) {
        return finished(job, "Failed").isPresent();
    }

    private static int failures(Job job) {
        return job.getStatus() == null || job.getStatus().getFailed() == null ? 0 : job.getStatus().getFailed();
    }

    private static int runs(Job job) {
        return failures(job) + 1;
    }

    private static Stream<ContainerStatus> containerStatuses(Pod pod) {
        if (pod.getStatus() == null) {
            return Stream.empty();
        }
        return Stream.concat(Stream.ofNullable(pod.getStatus().getInitContainerStatuses()).flatMap(List::stream),
                Stream.ofNullable(pod.getStatus().getContainerStatuses()).flatMap(List::stream));
    }

    private static String phaseOf(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    private static String name(Pod pod) {
        return pod.getMetadata().getName();
    }

    private static String clip(String text) {
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
