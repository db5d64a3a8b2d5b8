package io.ret.operator.reconcile;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.ret.operator.api.RetJob;

/**
 * Writes the operator's part of a CR's status (a JSON merge patch of the status subresource that
 * leaves the worker's fields alone) and records an Event for each transition.
 */
final class StatusWriter {
    private static final PatchContext MERGE_PATCH = PatchContext.of(PatchType.JSON_MERGE);

    private final EventRecorder events;
    private final KubernetesSerialization json = new KubernetesSerialization();

    StatusWriter(EventRecorder events) {
        this.events = events;
    }

    /** Patches nothing when the operator's fields already hold {@code next}. */
    <R extends RetJob<?>> void write(R resource, OperatorStatus next, Context<R> context) {
        OperatorStatus current = OperatorStatus.of(resource.getStatus());
        if (current.equals(next)) {
            return;
        }
        R updated = context.getClient().resource(resource).subresource("status")
                .patch(MERGE_PATCH, json.asJson(next.asMergePatch()));
        // the next reconcile may run before the informer has seen this write: let it read this one
        context.eventSourceRetriever().getControllerEventSource()
                .handleRecentResourceUpdate(ResourceID.fromResource(resource), updated, resource);
        Transitions.between(current.conditions(), next.conditions()).forEach(event -> events.record(resource, event));
    }
}
