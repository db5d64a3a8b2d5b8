package io.ret.operator.testing;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's CRUD mock API server (what {@code @EnableKubernetesMockClient(crud = true)} starts),
 * with JSON merge patches applied as RFC 7386 and the API server do: the stock mock merges with
 * Jackson's updating reader, which appends to arrays instead of replacing them, so a status
 * patch would pile up conditions.
 */
public final class MockApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final MergePatchCrudDispatcher dispatcher = new MergePatchCrudDispatcher();

    public MockApiServer() {
        server = new KubernetesMockServer(new Context(JSON), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        server.init();
        client = server.createClient();
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    /**
     * From now on the API server answers every Job create with this refusal (a core/v1 Status, as
     * a ResourceQuota or an RBAC denial would); {@code null} lets creates through again.
     */
    public void refuseJobCreates(Refusal refusal) {
        dispatcher.jobCreateRefusal = refusal;
    }

    public record Refusal(int code, String reason, String message) {
        String asStatus() {
            ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                    .put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
            status.putObject("metadata");
            return status.toString();
        }
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private static final class MergePatchCrudDispatcher extends KubernetesCrudDispatcher {
        private volatile Refusal jobCreateRefusal;

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            Refusal refusal = jobCreateRefusal;
            if (refusal != null && request.getPath().matches("/apis/batch/v1/namespaces/[^/]+/jobs(\\?.*)?")) {
                return new MockResponse().setResponseCode(refusal.code()).setBody(refusal.asStatus());
            }
            return super.handleCreate(request);
        }

        @Override
        public JsonNode merge(JsonNode baseResource, String patch) throws KubernetesCrudDispatcherException {
            try {
                return mergePatch(baseResource, JSON.readTree(patch));
            } catch (JsonProcessingException e) {
                throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
            }
        }
    }

    /** RFC 7386: objects merge member by member, null removes a member, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }
}
