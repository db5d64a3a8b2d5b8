package io.ret.operator;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ret.operator.worker.WorkerSettings;
import io.ret.operator.worker.WorkerSettings.SecretEnv;

/**
 * The operator's settings, from environment variables (the Helm chart sets them):
 *
 * <pre>
 * RET_OPERATOR_NAMESPACES            namespaces to watch, comma-separated; empty: the operator's own; * : all
 * RET_OPERATOR_MAX_RUNNING           workers running at once, both kinds together (default 4)
 * RET_OPERATOR_HEALTH_PORT           port of /healthz, /readyz and /metrics (default 8080; 0 turns them off)
 * RET_OPERATOR_LEASE_NAME            Lease (in the operator's namespace) for leader election; unset: no election,
 *                                    so only one replica may run
 * RET_OPERATOR_IDENTITY              this replica's name in the Lease (default: HOSTNAME, the pod's name)
 * RET_OPERATOR_WORKER_IMAGE          image of the RET server, run in worker mode (required)
 * RET_OPERATOR_WORKER_IMAGE_PULL_POLICY       (default IfNotPresent)
 * RET_OPERATOR_WORKER_IMAGE_PULL_SECRETS      comma-separated Secret names
 * RET_OPERATOR_WORKER_SERVICE_ACCOUNT         (default ret-worker)
 * RET_OPERATOR_WORKER_CONFIGMAP      ConfigMap whose keys become the worker's environment (RET_* settings)
 * RET_OPERATOR_WORKER_SECRET_ENV     ENV_NAME=secret/key,... : variables read from existing Secrets
 * RET_OPERATOR_WORKER_SESSIONS_CLAIM ReadWriteMany PVC mounted at /data (required)
 * RET_OPERATOR_WORKER_RESOURCES      default container resources as JSON, for CRs without spec.resources
 * RET_OPERATOR_WORKER_FS_GROUP       pod fsGroup, so server and workers share the volume's files
 * </pre>
 */
public record OperatorSettings(Set<String> namespaces, boolean allNamespaces, int maxRunning, int healthPort,
        WorkerSettings worker, Optional<LeaderElection> leaderElection) {

    /** Replicas elect a leader through a Lease; only the leader reconciles. */
    public record LeaderElection(String leaseName, String leaseNamespace, String identity) {
    }

    public static final String ALL_NAMESPACES = "*";

    /** @param currentNamespace where the operator runs (its service account's namespace) */
    public static OperatorSettings from(Map<String, String> env, String currentNamespace) {
        var read = new Reader(env);
        List<String> namespaces = read.list("RET_OPERATOR_NAMESPACES");
        boolean all = namespaces.contains(ALL_NAMESPACES);
        Set<String> watched = all ? Set.of()
                : namespaces.isEmpty() ? Set.of(read.requireNonBlank("RET_OPERATOR_NAMESPACES", "current namespace", currentNamespace))
                : new LinkedHashSet<>(namespaces);
        var worker = new WorkerSettings(
                read.required("RET_OPERATOR_WORKER_IMAGE"),
                read.choice("RET_OPERATOR_WORKER_IMAGE_PULL_POLICY", "IfNotPresent", "Always", "IfNotPresent", "Never"),
                read.list("RET_OPERATOR_WORKER_IMAGE_PULL_SECRETS"),
                read.string("RET_OPERATOR_WORKER_SERVICE_ACCOUNT").orElse("ret-worker"),
                read.string("RET_OPERATOR_WORKER_CONFIGMAP"),
                read.list("RET_OPERATOR_WORKER_SECRET_ENV").stream().map(entry -> read.parse("RET_OPERATOR_WORKER_SECRET_ENV",
                        () -> SecretEnv.parse(entry))).toList(),
                read.required("RET_OPERATOR_WORKER_SESSIONS_CLAIM"),
                read.string("RET_OPERATOR_WORKER_RESOURCES").map(json -> read.parse("RET_OPERATOR_WORKER_RESOURCES",
                        () -> new KubernetesSerialization().unmarshal(json, ResourceRequirements.class))).orElse(null),
                read.string("RET_OPERATOR_WORKER_FS_GROUP").map(v -> (long) read.integer("RET_OPERATOR_WORKER_FS_GROUP", v, 0)));
        Optional<LeaderElection> election = read.string("RET_OPERATOR_LEASE_NAME").map(lease -> new LeaderElection(lease,
                read.requireNonBlank("RET_OPERATOR_LEASE_NAME", "current namespace", currentNamespace),
                read.string("RET_OPERATOR_IDENTITY").or(() -> read.string("HOSTNAME"))
                        .orElseThrow(() -> new InvalidSetting("RET_OPERATOR_IDENTITY", "is required when HOSTNAME is not set"))));
        return new OperatorSettings(watched, all,
                read.string("RET_OPERATOR_MAX_RUNNING").map(v -> read.integer("RET_OPERATOR_MAX_RUNNING", v, 1)).orElse(4),
                read.string("RET_OPERATOR_HEALTH_PORT").map(v -> read.integer("RET_OPERATOR_HEALTH_PORT", v, 0)).orElse(8080),
                worker, election);
    }

    /** A setting that is missing or malformed; the message names the variable, never a value. */
    public static final class InvalidSetting extends RuntimeException {
        InvalidSetting(String name, String problem) {
            super(name + ": " + problem);
        }
    }

    private record Reader(Map<String, String> env) {
        Optional<String> string(String name) {
            return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
        }

        String required(String name) {
            return string(name).orElseThrow(() -> new InvalidSetting(name, "is required"));
        }

        String requireNonBlank(String name, String what, String value) {
            if (value == null || value.isBlank()) {
                throw new InvalidSetting(name, "needs the " + what + ", which is unknown");
            }
            return value;
        }

        List<String> list(String name) {
            return string(name).stream().flatMap(v -> Arrays.stream(v.split(",")))
                    .map(String::strip).filter(v -> !v.isEmpty()).toList();
        }

        String choice(String name, String fallback, String... allowed) {
            String value = string(name).orElse(fallback);
            if (!List.of(allowed).contains(value)) {
                throw new InvalidSetting(name, "must be one of " + String.join(", ", allowed));
            }
            return value;
        }

        int integer(String name, String value, int min) {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min) {
                    throw new InvalidSetting(name, "must be at least " + min);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new InvalidSetting(name, "is not a whole number");
            }
        }

        <T> T parse(String name, java.util.function.Supplier<T> parser) {
            try {
                return parser.get();
            } catch (RuntimeException e) {
                throw new InvalidSetting(name, e.getMessage());
            }
        }
    }
}
