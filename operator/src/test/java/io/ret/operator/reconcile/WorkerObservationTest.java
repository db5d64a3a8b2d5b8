package io.ret.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.ret.operator.api.Phase;

class WorkerObservationTest {
    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    @Test
    void aJobWithoutPodsIsPendingAndStarting() {
        var seen = WorkerObservation.of(job(0, null), List.of(), Phase.PENDING, 1, null, NOW);
        assertThat(seen.phase()).isEqualTo(Phase.PENDING);
        assertThat(seen.podPending().reason()).isEqualTo(Conditions.STARTING);
        assertThat(seen.succeeded().status()).isEqualTo(Conditions.UNKNOWN);
        assertThat(seen.completionTime()).isEmpty();
    }

    @Test
    void aRunningPodMakesItRunning() {
        var seen = WorkerObservation.of(job(0, null), List.of(pod("p", "Running")), Phase.PENDING, 1, null, NOW);
        assertThat(seen.phase()).isEqualTo(Phase.RUNNING);
        assertThat(seen.podPending().status()).isEqualTo(Conditions.FALSE);
        assertThat(seen.podPending().reason()).isEqualTo(Conditions.POD_RUNNING);
    }

    @Test
    void aRetryStaysRunningAndSaysWhatFailed() {
        Pod failed = new PodBuilder(pod("p1", "Failed")).editStatus().addNewContainerStatus().withName("worker")
                .withNewState().withNewTerminated().withExitCode(3).withReason("Error")
                .withMessage("step 1\nArchiveCorruptException: bad zip\n").endTerminated().endState()
                .endContainerStatus().endStatus().build();
        var seen = WorkerObservation.of(job(1, null), List.of(failed, pod("p2", "Pending")), Phase.PENDING, 2, null, NOW);
        assertThat(seen.phase()).isEqualTo(Phase.RUNNING);
        assertThat(seen.succeeded().reason()).isEqualTo(Conditions.RETRYING);
        assertThat(seen.succeeded().message())
                .isEqualTo("worker run 1 failed (exited with code 3 (Error): ArchiveCorruptException: bad zip); retry 1 of 2");
    }

    @Test
    void pendingReasonsComeFromTheSchedulerOrTheKubelet() {
        Pod unschedulable = new PodBuilder(pod("p", "Pending")).editStatus().addNewCondition().withType("PodScheduled")
                .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available").endCondition()
                .endStatus().build();
        assertThat(WorkerObservation.of(job(0, null), List.of(unschedulable), Phase.PENDING, 1, null, NOW).podPending())
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(Conditions.TRUE);
                    assertThat(c.reason()).isEqualTo(Conditions.UNSCHEDULABLE);
                    assertThat(c.message()).endsWith("0/3 nodes are available");
                });
        Pod creating = waiting("ContainerCreating");
        assertThat(WorkerObservation.of(job(0, null), List.of(creating), Phase.PENDING, 1, null, NOW).podPending().reason())
                .isEqualTo(Conditions.STARTING);
        Pod pullFailing = waiting("ErrImagePull");
        assertThat(WorkerObservation.of(job(0, null), List.of(pullFailing), Phase.PENDING, 1, null, NOW).podPending().reason())
                .isEqualTo("ErrImagePull");
    }

    @Test
    void completeJobsSucceedAndFailedJobsSayWhy() {
        var done = WorkerObservation.of(job(0, "Complete"), List.of(), Phase.RUNNING, 1, null, NOW);
        assertThat(done.phase()).isEqualTo(Phase.SUCCEEDED);
        assertThat(done.succeeded().status()).isEqualTo(Conditions.TRUE);
        assertThat(done.completionTime()).contains("2025-01-02T03:00:00Z");

        var late = WorkerObservation.of(failedJob("DeadlineExceeded"), List.of(), Phase.RUNNING, 1, 60, NOW);
        assertThat(late.phase()).isEqualTo(Phase.FAILED);
        assertThat(late.succeeded().reason()).isEqualTo(Conditions.DEADLINE_EXCEEDED);
        assertThat(late.succeeded().message()).contains("deadlineSeconds (60)");
        assertThat(WorkerObservation.of(failedJob("BackoffLimitExceeded"), List.of(), Phase.RUNNING, 1, null, NOW)
                .succeeded().reason()).isEqualTo(Conditions.BACKOFF_LIMIT_EXCEEDED);
        assertThat(WorkerObservation.of(failedJob("PodFailurePolicy"), List.of(), Phase.RUNNING, 1, null, NOW)
                .succeeded().reason()).isEqualTo(Conditions.WORKER_FAILED);
    }

    private static Job job(int failed, String finished) {
        var builder = new JobBuilder().withNewMetadata().withName("j").withUid("u").endMetadata()
                .withNewStatus().withFailed(failed).endStatus();
        if (finished != null) {
            builder.editStatus().addNewCondition().withType(finished).withStatus("True").endCondition()
                    .withCompletionTime("2025-01-02T03:00:00Z").endStatus();
        }
        return builder.build();
    }

    private static Job failedJob(String reason) {
        return new JobBuilder(job(2, null)).editStatus().addNewCondition().withType("Failed").withStatus("True")
                .withReason(reason).withLastTransitionTime("2025-01-02T03:00:00Z").endCondition().endStatus().build();
    }

    private static Pod pod(String name, String phase) {
        return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp("2025-01-02T03:00:00Z").endMetadata()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    private static Pod waiting(String reason) {
        return new PodBuilder(pod("p", "Pending")).editStatus().addNewContainerStatus().withName("worker")
                .withNewState().withNewWaiting().withReason(reason).endWaiting().endState().endContainerStatus()
                .endStatus().build();
    }
}
