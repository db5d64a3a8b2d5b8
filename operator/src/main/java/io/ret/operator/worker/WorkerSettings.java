package io.ret.operator.worker;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * What every worker pod gets, from the operator's environment (see {@code OperatorSettings}).
 *
 * @param secretEnv environment variables whose values come from keys of existing Secrets
 * @param configMap ConfigMap whose keys become environment variables ({@code RET_*} settings)
 * @param fsGroup group that owns files the worker writes to the shared volume; empty: the image's
 */
public record WorkerSettings(
        String image,
        String imagePullPolicy,
        List<String> imagePullSecrets,
        String serviceAccount,
        Optional<String> configMap,
        List<SecretEnv> secretEnv,
        String sessionsClaim,
        ResourceRequirements defaultResources,
        Optional<Long> fsGroup) {

    public WorkerSettings {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(sessionsClaim, "sessionsClaim");
        imagePullSecrets = List.copyOf(imagePullSecrets);
        secretEnv = List.copyOf(secretEnv);
    }

    /** {@code RET_DB_PASSWORD} from key {@code password} of Secret {@code ret-db}: {@code RET_DB_PASSWORD=ret-db/password}. */
    public record SecretEnv(String name, String secret, String key) {
        public static SecretEnv parse(String entry) {
            int eq = entry.indexOf('=');
            int slash = entry.indexOf('/', eq + 1);
            if (eq <= 0 || slash <= eq + 1 || slash == entry.length() - 1 || entry.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException("'" + entry + "' is not ENV_NAME=secret-name/key");
            }
            return new SecretEnv(entry.substring(0, eq).trim(), entry.substring(eq + 1, slash).trim(),
                    entry.substring(slash + 1).trim());
        }
    }
}
