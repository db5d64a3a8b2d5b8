package io.ret.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.ret.operator.OperatorSettings;

/**
 * The chart lints and renders with default values and with every optional part on; the rendered
 * manifests are valid Kubernetes objects (no field fabric8's model does not know), and what the
 * chart tells the operator is what the operator reads. Skipped only where no helm can be found.
 */
class HelmChartTest {
    private static final Path CHART = Path.of(System.getProperty("ret.chart.dir", "../charts/ret"));
    private static final String ALL_ON = Path.of("src/test/resources/chart/all-optional-parts.yaml").toAbsolutePath().toString();
    private static Helm helm;

    @BeforeAll
    static void findHelm() {
        Optional<Helm> found = Helm.find();
        assumeTrue(found.isPresent(), "no helm binary (set -Dret.helm or put helm on the PATH)");
        helm = found.get();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lintsWithoutFindings(boolean allOptionalParts) throws Exception {
        var result = allOptionalParts ? helm.run("lint", "--strict", CHART.toString(), "-f", ALL_ON)
                : helm.run("lint", "--strict", CHART.toString());
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).doesNotContain("[WARNING]", "[ERROR]");
    }

    @Test
    void defaultsRenderValidObjects() throws Exception {
        List<HasMetadata> objects = render();
        assertThat(objects).allSatisfy(o -> assertThat(StrictManifests.typed(o)).as(o.getKind()).isTrue());
        assertThat(kinds(objects)).containsOnly("CustomResourceDefinition", "ConfigMap", "Deployment", "Service",
                "ServiceAccount", "Role", "RoleBinding", "PersistentVolumeClaim", "PodDisruptionBudget");
        assertThat(objects).filteredOn(CustomResourceDefinition.class::isInstance).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("conversionjobs.ret.io", "indexjobs.ret.io");

        Container server = container(objects, "ret-server");
        assertThat(server.getEnv()).contains(new EnvVar("RET_JOBS_DISPATCHER", "kubernetes", null));
        assertThat(server.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(50051, 8081);
        assertThat(server.getStartupProbe().getGrpc().getPort()).isEqualTo(50051);
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        for (String name : List.of("ret-server", "ret-operator")) {
            Container container = container(objects, name);
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
            assertThat(deployment(objects, name).getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
                    .as(name).isTrue();
        }
    }

    @Test
    void everyOptionalPartRendersValidObjects() throws Exception {
        List<HasMetadata> objects = render("-f", ALL_ON);
        assertThat(kinds(objects)).contains("HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor");
        assertThat(objects).filteredOn(o -> !StrictManifests.typed(o)).extracting(HasMetadata::getKind)
                .containsOnly("ServiceMonitor"); // not in fabric8's model: checked by the lint only
        assertThat(kinds(objects)).doesNotContain("PersistentVolumeClaim"); // an existing claim is used
        assertThat(deployment(objects, "ret-server").getSpec().getReplicas()).isNull(); // the HPA decides
        assertThat(container(objects, "ret-server").getEnv()).extracting(EnvVar::getName)
                .contains("RET_AUTH_JWT_KEYS_FILE", "RET_RAG_MILVUS_TOKEN", "RET_RAG_OPENAI_API_KEY", "RET_REDIS_URL");
        // gRPC TLS: the Secret mounted where the server's TLS settings point
        assertThat(container(objects, "ret-server").getEnv()).extracting(EnvVar::getName)
                .contains("RET_GRPC_TLS_ENABLED", "RET_GRPC_TLS_CERT", "RET_GRPC_TLS_KEY", "RET_GRPC_TLS_CA");
        assertThat(container(objects, "ret-server").getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/ret/tls"));
        assertThat(deployment(objects, "ret-server").getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret()).isNotNull()
                        .satisfies(secret -> assertThat(secret.getSecretName()).isEqualTo("ret-grpc-tls")));
    }

    /** The operator's environment, as rendered, is valid operator configuration naming what the chart creates. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void operatorSettingsMatchWhatTheChartCreates(boolean allOptionalParts) throws Exception {
        List<HasMetadata> objects = allOptionalParts ? render("-f", ALL_ON) : render();
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : container(objects, "ret-operator").getEnv()) {
            // a field reference is the pod's name, as the kubelet fills it in
            env.put(var.getName(), var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null
                    ? "ret-operator-5d9c7-x2x4q" : var.getValue());
        }
        OperatorSettings settings = OperatorSettings.from(env, "ret");

        assertThat(settings.namespaces()).containsExactly("ret");
        // two replicas elect a leader on a Lease the operator's Role may use
        assertThat(deployment(objects, "ret-operator").getSpec().getReplicas()).isEqualTo(2);
        assertThat(settings.leaderElection()).hasValueSatisfying(election -> {
            assertThat(election.leaseName()).isEqualTo("ret-operator");
            assertThat(election.leaseNamespace()).isEqualTo("ret");
            assertThat(election.identity()).isEqualTo("ret-operator-5d9c7-x2x4q");
        });
        assertThat(named(objects, Role.class, "ret-operator").orElseThrow().getRules())
                .anySatisfy(rule -> {
                    assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
                    assertThat(rule.getResources()).containsExactly("leases");
                    assertThat(rule.getVerbs()).contains("get", "create", "update");
                });
        if (allOptionalParts) {
            // Prometheus scrapes the operator's /metrics through a Service on its health port
            var monitor = objects.stream().filter(o -> o.getKind().equals("ServiceMonitor")
                    && o.getMetadata().getName().equals("ret-operator")).findFirst();
            assertThat(monitor).as("the operator's ServiceMonitor").isPresent();
            var service = named(objects, Service.class, "ret-operator").orElseThrow();
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> assertThat(port.getName()).isEqualTo("health"));
            assertThat(service.getSpec().getSelector()).containsEntry("app.kubernetes.io/component", "operator");
        }
        assertThat(settings.worker().image()).isEqualTo(container(objects, "ret-server").getImage());
        assertThat(named(objects, ServiceAccount.class, settings.worker().serviceAccount())).isPresent();
        assertThat(named(objects, ConfigMap.class, settings.worker().configMap().orElseThrow())).isPresent();
        if (!allOptionalParts) {
            assertThat(named(objects, PersistentVolumeClaim.class, settings.worker().sessionsClaim())).isPresent();
        }
        // workers read the same Secrets the server does
        Map<String, String> serverSecrets = new HashMap<>();
        container(objects, "ret-server").getEnv().stream().filter(v -> v.getValueFrom() != null
                && v.getValueFrom().getSecretKeyRef() != null && v.getName().matches("RET_(DB|REDIS|RAG)_.*"))
                .forEach(v -> serverSecrets.put(v.getName(),
                        v.getValueFrom().getSecretKeyRef().getName() + "/" + v.getValueFrom().getSecretKeyRef().getKey()));
        Map<String, String> workerSecrets = new HashMap<>();
        settings.worker().secretEnv().forEach(s -> workerSecrets.put(s.name(), s.secret() + "/" + s.key()));
        assertThat(workerSecrets).isEqualTo(serverSecrets);
    }

    @Test
    void refusesReplicasWithoutSharedSigningKeys() throws Exception {
        var result = helm.run("template", "ret", CHART.toString(), "--set", "server.replicas=2");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("auth.jwtKeys.existingSecret is required");
    }

    @Test
    void schemaRefusesInvalidValues() throws Exception {
        var result = helm.run("template", "ret", CHART.toString(), "--set", "operator.maxRunning=0",
                "--set", "database.url=mysql://no-jdbc");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("operator.maxRunning", "database.url");
    }

    private static List<HasMetadata> render(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("template", "ret", CHART.toString(), "--namespace", "ret",
                "--include-crds"));
        args.addAll(List.of(extra));
        var result = helm.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return StrictManifests.parse(result.stdout());
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).distinct().toList();
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return named(objects, Deployment.class, name).orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    private static Container container(List<HasMetadata> objects, String deployment) {
        return deployment(objects, deployment).getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static <T extends HasMetadata> Optional<T> named(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }
}
