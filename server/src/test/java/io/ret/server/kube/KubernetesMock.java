package io.ret.server.kube;

import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/** fabric8's CRUD mock API server, knowing RET's two job resources. */
public final class KubernetesMock implements AutoCloseable {
    public static final String NAMESPACE = "ret-jobs";

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    public KubernetesMock() {
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        for (String[] kind : new String[][]{{"ConversionJob", "conversionjobs"}, {"IndexJob", "indexjobs"}}) {
            server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                    .withGroup("ret.io").withVersion("v1alpha1").withKind(kind[0]).withPlural(kind[1])
                    .withScope("Namespaced").build());
        }
        client = server.createClient();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The API server's URL, for clients built from system properties (the server's dispatcher). */
    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    public GenericKubernetesResource create(String kind, String name, Map<String, Object> spec) {
        return client.genericKubernetesResources("ret.io/v1alpha1", kind).inNamespace(NAMESPACE)
                .resource(new GenericKubernetesResourceBuilder()
                        .withApiVersion("ret.io/v1alpha1").withKind(kind)
                        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                        .withAdditionalProperties(Map.of("spec", spec))
                        .build())
                .create();
    }

    public GenericKubernetesResource get(String kind, String name) {
        return client.genericKubernetesResources("ret.io/v1alpha1", kind).inNamespace(NAMESPACE).withName(name).get();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(GenericKubernetesResource resource, String name) {
        Object value = resource.getAdditionalProperties().get(name);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
