package io.ret.operator.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.ret.operator.api.RetJobStatus;

/**
 * The CR's condition types and reasons, and how a new set replaces the old one
 * (Kubernetes conventions: lastTransitionTime moves only when status changes).
 */
public final class Conditions {
    /** True once the worker Job exists; False while the job waits for a worker slot. */
    public static final String SCHEDULED = "Scheduled";
    /** True while the worker pod exists but does not run (not yet started, unschedulable, image pull failing). */
    public static final String POD_PENDING = "PodPending";
    /** Unknown until the job ends; then True (succeeded) or False (failed, cancelled). */
    public static final String SUCCEEDED = RetJobStatus.SUCCEEDED_CONDITION;

    private static final List<String> ORDER = List.of(SCHEDULED, POD_PENDING, SUCCEEDED);

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    // Scheduled
    public static final String CONCURRENCY_LIMIT = "ConcurrencyLimit";
    public static final String JOB_NAME_TAKEN = "JobNameTaken";
    public static final String JOB_CREATED = "JobCreated";
    /** The API server refused the worker Job (quota, RBAC, admission); retried with backoff. */
    public static final String JOB_CREATE_FAILED = "JobCreateFailed";
    /** Event reason (no condition) for any other failed reconcile. */
    public static final String RECONCILE_FAILED = "ReconcileFailed";
    // PodPending (True also carries kubelet reasons such as ImagePullBackOff or ErrImagePull)
    public static final String STARTING = "Starting";
    public static final String UNSCHEDULABLE = "Unschedulable";
    public static final String POD_RUNNING = "PodRunning";
    public static final String JOB_FINISHED = "JobFinished";
    // Succeeded
    public static final String IN_PROGRESS = "InProgress";
    public static final String RETRYING = "Retrying";
    public static final String COMPLETED = "Completed";
    public static final String BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    public static final String WORKER_FAILED = "WorkerFailed";
    public static final String JOB_LOST = "JobLost";
    public static final String CANCELLED = "Cancelled";

    private Conditions() {
    }

    /** A condition as a reconcile decides it; times and generations are added by {@link #apply}. */
    public record Desired(String type, String status, String reason, String message) {
        public static Desired of(String type, String status, String reason, String message) {
            return new Desired(type, status, reason, message);
        }
    }

    /**
     * The conditions after a reconcile: the desired ones (stamped with the generation they were
     * computed for) replace those of the same type; other types stay as they were.
     */
    public static List<Condition> apply(List<Condition> current, List<Desired> desired, long generation, Instant now) {
        List<Condition> result = new ArrayList<>();
        for (String type : ORDER) {
            Optional<Condition> old = find(current, type);
            Optional<Desired> next = desired.stream().filter(d -> d.type().equals(type)).findFirst();
            if (next.isPresent()) {
                Desired d = next.get();
                String since = old.filter(o -> Objects.equals(o.getStatus(), d.status()))
                        .map(Condition::getLastTransitionTime)
                        .orElse(now.toString());
                result.add(new ConditionBuilder()
                        .withType(type).withStatus(d.status()).withReason(d.reason()).withMessage(d.message())
                        .withLastTransitionTime(since).withObservedGeneration(generation)
                        .build());
            } else {
                old.ifPresent(result::add);
            }
        }
        return result;
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }
}
