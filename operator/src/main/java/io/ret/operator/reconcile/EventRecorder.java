package io.ret.operator.reconcile;

import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Records core/v1 Events on a CR, as {@code kubectl describe} shows them. */
public final class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
    static final String COMPONENT = "ret-operator";
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Best effort: an Event that cannot be written is logged, never fails the reconcile. */
    void record(HasMetadata resource, Transitions.Event event) {
        var meta = resource.getMetadata();
        String now = Instant.now().toString();
        String message = event.message() == null || event.message().length() <= MAX_MESSAGE ? event.message()
                : event.message().substring(0, MAX_MESSAGE) + "...";
        var body = new EventBuilder()
                .withNewMetadata()
                    .withName(uniqueName(meta.getName()))
                    .withNamespace(meta.getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(resource.getApiVersion()).withKind(resource.getKind())
                    .withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid())
                .endInvolvedObject()
                .withType(event.type()).withReason(event.reason()).withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(meta.getNamespace()).resource(body).create();
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "could not record event " + event.reason() + " for " + meta.getNamespace() + "/"
                    + meta.getName() + ": " + e.getMessage());
        }
    }

    /** {@code <resource>.<16 hex digits>}, as kubectl's recorder names them. */
    private static String uniqueName(String resourceName) {
        String prefix = resourceName.length() > 200 ? resourceName.substring(0, 200) : resourceName;
        return prefix + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
