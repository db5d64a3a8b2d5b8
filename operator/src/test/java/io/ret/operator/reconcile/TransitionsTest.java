package io.ret.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.ret.operator.reconcile.Conditions.Desired;

class TransitionsTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2025-01-01T00:01:00Z");

    @Test
    void transitionTimeMovesOnlyWhenStatusChanges() {
        List<Condition> first = Conditions.apply(List.of(), List.of(
                Desired.of(Conditions.POD_PENDING, Conditions.TRUE, Conditions.STARTING, "starting")), 1, T0);
        List<Condition> second = Conditions.apply(first, List.of(
                Desired.of(Conditions.POD_PENDING, Conditions.TRUE, Conditions.UNSCHEDULABLE, "no node")), 2, T1);
        assertThat(second.getFirst().getLastTransitionTime()).isEqualTo(T0.toString());
        assertThat(second.getFirst().getObservedGeneration()).isEqualTo(2L);
        List<Condition> third = Conditions.apply(second, List.of(
                Desired.of(Conditions.POD_PENDING, Conditions.FALSE, Conditions.POD_RUNNING, "running")), 2, T1);
        assertThat(third.getFirst().getLastTransitionTime()).isEqualTo(T1.toString());
    }

    @Test
    void conditionsNotDecidedAgainStayAndKeepTheirOrder() {
        List<Condition> before = Conditions.apply(List.of(), List.of(
                Desired.of(Conditions.SUCCEEDED, Conditions.UNKNOWN, Conditions.IN_PROGRESS, "not yet"),
                Desired.of(Conditions.SCHEDULED, Conditions.TRUE, Conditions.JOB_CREATED, "created")), 1, T0);
        List<Condition> after = Conditions.apply(before, List.of(
                Desired.of(Conditions.SUCCEEDED, Conditions.FALSE, Conditions.CANCELLED, "cancelled")), 2, T1);
        assertThat(after).extracting(Condition::getType).containsExactly(Conditions.SCHEDULED, Conditions.SUCCEEDED);
        assertThat(after.getFirst()).isEqualTo(before.getFirst());
    }

    @Test
    void eventsForMeaningfulChangesOnly() {
        List<Condition> created = Conditions.apply(List.of(), List.of(
                Desired.of(Conditions.SCHEDULED, Conditions.TRUE, Conditions.JOB_CREATED, "created Job x"),
                Desired.of(Conditions.POD_PENDING, Conditions.TRUE, Conditions.STARTING, "waiting"),
                Desired.of(Conditions.SUCCEEDED, Conditions.UNKNOWN, Conditions.IN_PROGRESS, "not yet")), 1, T0);
        assertThat(Transitions.between(List.of(), created)).singleElement()
                .isEqualTo(new Transitions.Event("Normal", Conditions.JOB_CREATED, "created Job x"));
        assertThat(Transitions.between(created, created)).isEmpty();

        List<Condition> stuck = Conditions.apply(created, List.of(
                Desired.of(Conditions.POD_PENDING, Conditions.TRUE, "ImagePullBackOff", "back-off")), 1, T1);
        assertThat(Transitions.between(created, stuck)).singleElement()
                .extracting(Transitions.Event::type).isEqualTo("Warning");
        List<Condition> stuckLonger = Conditions.apply(stuck, List.of(
                Desired.of(Conditions.POD_PENDING, Conditions.TRUE, "ImagePullBackOff", "back-off 40s")), 1, T1);
        assertThat(Transitions.between(stuck, stuckLonger)).isEmpty();

        List<Condition> retry1 = Conditions.apply(created, List.of(
                Desired.of(Conditions.SUCCEEDED, Conditions.UNKNOWN, Conditions.RETRYING, "run 1 failed")), 1, T1);
        List<Condition> retry2 = Conditions.apply(retry1, List.of(
                Desired.of(Conditions.SUCCEEDED, Conditions.UNKNOWN, Conditions.RETRYING, "run 2 failed")), 1, T1);
        assertThat(Transitions.between(retry1, retry2)).singleElement()
                .isEqualTo(new Transitions.Event("Warning", Conditions.RETRYING, "run 2 failed"));

        List<Condition> cancelled = Conditions.apply(created, List.of(
                Desired.of(Conditions.SUCCEEDED, Conditions.FALSE, Conditions.CANCELLED, "cancelled")), 1, T1);
        assertThat(Transitions.between(created, cancelled)).singleElement()
                .extracting(Transitions.Event::type).isEqualTo("Normal");
    }
}
