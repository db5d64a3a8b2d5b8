package io.ret.operator.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * The Kubernetes Events a status change deserves: one per condition whose status or reason
 * changed (for Succeeded also its message, which counts retries), except for routine steps.
 * Derived from the status diff, so a reconcile that changes nothing records nothing.
 */
final class Transitions {
    private static final Set<String> ROUTINE = Set.of(Conditions.STARTING, Conditions.IN_PROGRESS, Conditions.JOB_FINISHED);

    record Event(String type, String reason, String message) {
        static final String NORMAL = "Normal";
        static final String WARNING = "Warning";
    }

    private Transitions() {
    }

    static List<Event> between(List<Condition> before, List<Condition> after) {
        List<Event> events = new ArrayList<>();
        for (Condition now : after) {
            Optional<Condition> old = Conditions.find(before, now.getType());
            boolean changed = old.isEmpty()
                    || !Objects.equals(old.get().getStatus(), now.getStatus())
                    || !Objects.equals(old.get().getReason(), now.getReason())
                    || (Conditions.SUCCEEDED.equals(now.getType()) && !Objects.equals(old.get().getMessage(), now.getMessage()));
            if (changed && !ROUTINE.contains(now.getReason())) {
                events.add(new Event(abnormal(now) ? Event.WARNING : Event.NORMAL, now.getReason(), now.getMessage()));
            }
        }
        return events;
    }

    private static boolean abnormal(Condition condition) {
        return switch (condition.getType()) {
            case Conditions.SCHEDULED -> Conditions.JOB_CREATE_FAILED.equals(condition.getReason());
            case Conditions.POD_PENDING -> Conditions.TRUE.equals(condition.getStatus());
            case Conditions.SUCCEEDED -> Conditions.RETRYING.equals(condition.getReason())
                    || (Conditions.FALSE.equals(condition.getStatus()) && !Conditions.CANCELLED.equals(condition.getReason()));
            default -> false;
        };
    }
}
