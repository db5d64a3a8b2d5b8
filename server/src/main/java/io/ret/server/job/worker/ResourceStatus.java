package io.ret.server.job.worker;

import java.time.Duration;

import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJob;
import io.ret.operator.api.WorkerStatus;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobState;
import io.ret.server.platform.observe.BackgroundLoops;

/**
 * Mirrors a job's progress into its resource's status: only the worker's fields
 * ({@link WorkerStatus}), as a JSON merge patch of the status subresource, at most every two
 * seconds unless forced. The job row is the truth, so a failed write fails nothing; it is counted
 * and logged by {@code loop}.
 */
final class ResourceStatus {
    private static final Duration EVERY = Duration.ofSeconds(2);
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final Resource<? extends RetJob<?>> resource;
    private final BackgroundLoops.Loop failures;
    private long lastWrite;

    ResourceStatus(Resource<? extends RetJob<?>> resource, BackgroundLoops.Loop failures) {
        this.resource = resource;
        this.failures = failures;
    }

    /** Progress (a percent below 0 leaves it as it is) and what the worker does now. */
    synchronized void progress(JobRecord job, int percent, String message, boolean force) {
        long now = System.nanoTime();
        boolean done = percent == 100 || percent < 0;
        if (!force && !done && now - lastWrite < EVERY.toNanos()) {
            return;
        }
        lastWrite = now;
        patch(new WorkerStatus(percent >= 0 ? percent : null, message, job.id(), job.attempts(), null));
    }

    synchronized void message(String message) {
        patch(WorkerStatus.message(message));
    }

    /** The job's end in the resource's words; nothing for a job that has not ended. */
    synchronized void outcome(JobState state) {
        Phase outcome = switch (state) {
            case SUCCEEDED -> Phase.SUCCEEDED;
            case FAILED -> Phase.FAILED;
            case CANCELLED -> Phase.CANCELLED;
            case PENDING, RUNNING -> null;
        };
        if (outcome != null) {
            patch(WorkerStatus.outcome(outcome));
        }
    }

    private void patch(WorkerStatus fields) {
        try {
            resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), JSON.asJson(fields.asMergePatch()));
            failures.succeeded();
        } catch (RuntimeException e) {
            failures.failed("status not patched", e);
        }
    }
}
