package io.ret.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Quantity;

class OperatorSettingsTest {
    private static Map<String, String> minimal() {
        return new HashMap<>(Map.of("RET_OPERATOR_WORKER_IMAGE", "ret:1", "RET_OPERATOR_WORKER_SESSIONS_CLAIM", "sessions"));
    }

    @Test
    void defaults() {
        var settings = OperatorSettings.from(minimal(), "ret");
        assertThat(settings.namespaces()).containsExactly("ret");
        assertThat(settings.allNamespaces()).isFalse();
        assertThat(settings.maxRunning()).isEqualTo(4);
        assertThat(settings.healthPort()).isEqualTo(8080);
        assertThat(settings.worker().imagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(settings.worker().serviceAccount()).isEqualTo("ret-worker");
        assertThat(settings.worker().configMap()).isEmpty();
        assertThat(settings.worker().secretEnv()).isEmpty();
        assertThat(settings.worker().defaultResources()).isNull();
        assertThat(settings.worker().fsGroup()).isEmpty();
        assertThat(settings.leaderElection()).as("no election unless a lease is named").isEmpty();
    }

    @Test
    void aLeaseNameTurnsOnLeaderElectionInTheOperatorsNamespaceUnderThePodsName() {
        var env = minimal();
        env.put("RET_OPERATOR_LEASE_NAME", "ret-operator");
        env.put("HOSTNAME", "ret-operator-7f9-abcde");
        assertThat(OperatorSettings.from(env, "ret").leaderElection())
                .contains(new OperatorSettings.LeaderElection("ret-operator", "ret", "ret-operator-7f9-abcde"));
        env.put("RET_OPERATOR_IDENTITY", "replica-1");
        assertThat(OperatorSettings.from(env, "ret").leaderElection().orElseThrow().identity()).isEqualTo("replica-1");

        env.remove("RET_OPERATOR_IDENTITY");
        env.remove("HOSTNAME");
        assertThatThrownBy(() -> OperatorSettings.from(env, "ret")).hasMessageContaining("RET_OPERATOR_IDENTITY");
        env.put("RET_OPERATOR_IDENTITY", "replica-1");
        env.put("RET_OPERATOR_NAMESPACES", "jobs");
        assertThatThrownBy(() -> OperatorSettings.from(env, null)).hasMessageContaining("RET_OPERATOR_LEASE_NAME");
    }

    @Test
    void everySetting() {
        var env = minimal();
        env.putAll(Map.of(
                "RET_OPERATOR_NAMESPACES", " a, b ,",
                "RET_OPERATOR_MAX_RUNNING", "9",
                "RET_OPERATOR_WORKER_IMAGE_PULL_POLICY", "Always",
                "RET_OPERATOR_WORKER_IMAGE_PULL_SECRETS", "regcred",
                "RET_OPERATOR_WORKER_CONFIGMAP", "ret-config",
                "RET_OPERATOR_WORKER_SECRET_ENV", "RET_DB_USER=db/username,RET_DB_PASSWORD=db/password",
                "RET_OPERATOR_WORKER_RESOURCES", "{\"limits\":{\"memory\":\"4Gi\"}}",
                "RET_OPERATOR_WORKER_FS_GROUP", "10001"));
        var settings = OperatorSettings.from(env, "ignored");
        assertThat(settings.namespaces()).containsExactly("a", "b");
        assertThat(settings.maxRunning()).isEqualTo(9);
        assertThat(settings.worker().imagePullSecrets()).containsExactly("regcred");
        assertThat(settings.worker().configMap()).contains("ret-config");
        assertThat(settings.worker().secretEnv()).hasSize(2);
        assertThat(settings.worker().defaultResources().getLimits()).containsEntry("memory", new Quantity("4Gi"));
        assertThat(settings.worker().fsGroup()).contains(10001L);
    }

    @Test
    void starWatchesAllNamespaces() {
        var env = minimal();
        env.put("RET_OPERATOR_NAMESPACES", "*");
        var settings = OperatorSettings.from(env, "ret");
        assertThat(settings.allNamespaces()).isTrue();
        assertThat(settings.namespaces()).isEmpty();
    }

    @Test
    void badSettingsNameTheVariable() {
        assertBad(Map.of(), "RET_OPERATOR_WORKER_IMAGE: is required");
        assertBad(Map.of("RET_OPERATOR_MAX_RUNNING", "0"), "RET_OPERATOR_MAX_RUNNING: must be at least 1");
        assertBad(Map.of("RET_OPERATOR_MAX_RUNNING", "many"), "RET_OPERATOR_MAX_RUNNING: is not a whole number");
        assertBad(Map.of("RET_OPERATOR_WORKER_IMAGE_PULL_POLICY", "Sometimes"), "RET_OPERATOR_WORKER_IMAGE_PULL_POLICY");
        assertBad(Map.of("RET_OPERATOR_WORKER_SECRET_ENV", "RET_DB_PASSWORD"), "RET_OPERATOR_WORKER_SECRET_ENV");
        assertBad(Map.of("RET_OPERATOR_WORKER_RESOURCES", "{not json"), "RET_OPERATOR_WORKER_RESOURCES");
        assertThatThrownBy(() -> OperatorSettings.from(minimal(), null)).hasMessageContaining("RET_OPERATOR_NAMESPACES");
    }

    private static void assertBad(Map<String, String> override, String message) {
        var env = override.isEmpty() ? new HashMap<String, String>() : minimal();
        env.putAll(override);
        assertThatThrownBy(() -> OperatorSettings.from(env, "ret"))
                .isInstanceOf(OperatorSettings.InvalidSetting.class).hasMessageContaining(message);
    }
}
