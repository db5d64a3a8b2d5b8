package io.ret.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.IndexJob;
import io.ret.operator.testing.ChartCrds;
import io.ret.operator.testing.Eventually;
import io.ret.operator.testing.Resources;

/**
 * The flows against a real API server with the real Job and garbage collector controllers
 * ({@code test-cluster start DIR}; no scheduler or kubelet, which the tests play). Also checks
 * what only a real API server does: the chart's CRDs install, and their schema rejects bad input.
 */
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class RealApiServerFlowsTest extends OperatorFlows {
    private static KubernetesClient cluster;

    @BeforeAll
    static void installChartCrds() {
        cluster = new KubernetesClientBuilder().build();
        ChartCrds.install(cluster);
    }

    @AfterAll
    static void close() {
        cluster.close();
    }

    @Override
    protected KubernetesClient connect() {
        return cluster;
    }

    @Override
    protected String newNamespace() {
        String name = "ret-test-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    @Override
    protected void cleanUp() {
        for (var type : List.of(ConversionJob.class, IndexJob.class)) {
            cluster.resources(type).inNamespace(namespace).delete();
            Eventually.await("no " + type.getSimpleName() + " left", () ->
                    assertThat(cluster.resources(type).inNamespace(namespace).list().getItems()).isEmpty());
        }
    }

    @Override
    protected void disconnect() {
        cluster.namespaces().withName(namespace).delete();
    }

    @Override
    protected boolean keepsIndexedJobs() {
        return !"1".equals(cluster.getKubernetesVersion().getMajor()) || Integer.parseInt(
                cluster.getKubernetesVersion().getMinor().replaceAll("\\D", "")) >= 22;
    }

    @Override
    protected boolean keepsJobTtl() {
        return !"1".equals(cluster.getKubernetesVersion().getMajor()) || Integer.parseInt(
                cluster.getKubernetesVersion().getMinor().replaceAll("\\D", "")) >= 21;
    }

    @Test
    void crdsHaveColumnsShortNamesAndDefaults() {
        var crd = cluster.apiextensions().v1().customResourceDefinitions().withName("conversionjobs.ret.io").get();
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("retconv");
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("ret");
        assertThat(crd.getSpec().getVersions().getFirst().getAdditionalPrinterColumns())
                // the API server leaves out priority 0 (shown by default); -o wide adds priority 1;
                // kubectl shows them in this order: the job's own columns, its age, then the wide ones
                .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath,
                        c -> c.getPriority() == null ? 0 : c.getPriority())
                .containsExactly(tuple("Phase", ".status.phase", 0), tuple("Progress", ".status.progress", 0),
                        tuple("Age", ".metadata.creationTimestamp", 0), tuple("Owner", ".spec.owner", 1),
                        tuple("Message", ".status.message", 1));
        var idx = cluster.apiextensions().v1().customResourceDefinitions().withName("indexjobs.ret.io").get();
        assertThat(idx.getSpec().getNames().getShortNames()).containsExactly("retidx");

        var created = create(Resources.conversion("defaults"));
        var stored = cluster.genericKubernetesResources("ret.io/v1alpha1", "ConversionJob").inNamespace(namespace)
                .withName(created.getMetadata().getName()).get();
        @SuppressWarnings("unchecked")
        var spec = (Map<String, Object>) stored.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("cancel", false).containsEntry("retries", 1);
    }

    /** What {@code kubectl get} asks for: the API server's Table of the resources, columns in print order. */
    @Test
    void kubectlGetPrintsPhaseProgressAgeAndWideAddsOwnerAndMessage() throws Exception {
        create(Resources.conversion("listed"));
        var http = cluster.getHttpClient();
        var request = http.newHttpRequestBuilder()
                .uri(cluster.getMasterUrl().toURI().resolve("/apis/ret.io/v1alpha1/namespaces/" + namespace + "/conversionjobs"))
                .setHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                .build();
        var response = http.sendAsync(request, String.class).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.code()).as(response.body()).isEqualTo(200);

        var table = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(response.body(), Map.class);
        @SuppressWarnings("unchecked")
        var columns = (List<Map<String, Object>>) table.get("columnDefinitions");
        assertThat(columns).extracting(c -> c.get("name"), c -> ((Number) c.get("priority")).intValue())
                .containsExactly(tuple("Name", 0), tuple("Phase", 0), tuple("Progress", 0), tuple("Age", 0),
                        tuple("Owner", 1), tuple("Message", 1));
    }

    @Test
    void schemaRejectsInvalidResourcesNamingTheFieldAndTheRule() {
        assertRejected(conversionSpec(Map.of("sessionId", "s-1")), "spec.owner: Required value");
        assertRejected(conversionSpec(Map.of("owner", "ada")), "spec.sessionId: Required value");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "Ada Lovelace")), "spec.owner",
                "should match '^[a-z0-9][a-z0-9._@-]{2,63}$'");
        assertRejected(conversionSpec(Map.of("sessionId", "../etc", "owner", "ada")), "spec.sessionId", "should match");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "ada", "jobId", "a b")), "spec.jobId",
                "should match");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "ada", "retries", -1)), "spec.retries",
                "should be greater than or equal to 0");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "ada", "priority", 11)), "spec.priority",
                "should be less than or equal to 10");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "ada", "deadlineSeconds", 0)),
                "spec.deadlineSeconds", "should be greater than or equal to 1");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "ada", "options", Map.of("mode", "flat"))),
                "spec.options.mode", "Unsupported value: \"flat\"", "\"child-tables\"", "\"join-repeated\"");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "ada", "options", Map.of("layout", "perfile"))),
                "spec.options.layout", "Unsupported value: \"perfile\"", "\"merged\"", "\"per-file\"");
        assertRejected(conversionSpec(Map.of("sessionId", "s-1", "owner", "ada",
                "options", Map.of("layoutFromSessionId", "../s-0"))), "spec.options.layoutFromSessionId", "should match");
        assertRejected(resource("IndexJob", Map.of("sessionId", "s-1", "owner", "ada")), "spec.collection: Required value");
        assertRejected(resource("IndexJob", Map.of("sessionId", "s-1", "owner", "ada", "collection", "c",
                "options", Map.of("maxChunkChars", 10))), "spec.options.maxChunkChars", "should be greater than or equal to 100");
    }

    private void assertRejected(GenericKubernetesResource resource, String... expected) {
        assertThatThrownBy(() -> cluster.resource(resource).inNamespace(namespace).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains(expected);
                });
    }

    private static GenericKubernetesResource conversionSpec(Map<String, Object> spec) {
        return resource("ConversionJob", spec);
    }

    private static GenericKubernetesResource resource(String kind, Map<String, Object> spec) {
        var resource = new GenericKubernetesResourceBuilder().withApiVersion("ret.io/v1alpha1").withKind(kind)
                .withNewMetadata().withGenerateName("invalid-").endMetadata().build();
        resource.setAdditionalProperties(new HashMap<>(Map.of("spec", spec)));
        return resource;
    }
}
