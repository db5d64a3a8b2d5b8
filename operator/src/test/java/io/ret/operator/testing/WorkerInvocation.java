package io.ret.operator.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ret.operator.worker.WorkerJobs;

/**
 * What a kubelet would start for a worker pod: the container's arguments and its environment with
 * ConfigMap and Secret references resolved, as the container would see it. An end-to-end test
 * runs the worker main with these (in-process, with the environment as configuration overrides,
 * or as a child process with this environment).
 */
public record WorkerInvocation(List<String> args, Map<String, String> env) {

    public static WorkerInvocation of(KubernetesClient client, Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        Container container = pod.getSpec().getContainers().stream()
                .filter(c -> WorkerJobs.CONTAINER.equals(c.getName())).findFirst().orElseThrow();
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                ConfigMap configMap = client.configMaps().inNamespace(namespace).withName(from.getConfigMapRef().getName()).get();
                if (configMap == null) {
                    throw new IllegalStateException("ConfigMap " + from.getConfigMapRef().getName() + " does not exist");
                }
                env.putAll(configMap.getData());
            }
        }
        for (EnvVar var : container.getEnv()) { // env wins over envFrom, as in a pod
            env.put(var.getName(), var.getValueFrom() == null ? var.getValue()
                    : var.getValueFrom().getFieldRef() != null ? fieldValue(pod, var.getValueFrom().getFieldRef().getFieldPath())
                    : secretValue(client, namespace, var));
        }
        return new WorkerInvocation(List.copyOf(container.getArgs()), env);
    }

    /** A downward-API field: an annotation (empty when the pod has none, as the kubelet makes it) or the pod's name. */
    private static String fieldValue(Pod pod, String path) {
        var annotation = java.util.regex.Pattern.compile("metadata\\.annotations\\['(.+)'\\]").matcher(path);
        if (annotation.matches()) {
            return Optional.ofNullable(pod.getMetadata().getAnnotations()).map(a -> a.get(annotation.group(1))).orElse("");
        }
        if (path.equals("metadata.name")) {
            return pod.getMetadata().getName();
        }
        throw new IllegalStateException(path + ": only annotations and metadata.name are resolved here");
    }

    private static String secretValue(KubernetesClient client, String namespace, EnvVar var) {
        var ref = var.getValueFrom().getSecretKeyRef();
        if (ref == null) {
            throw new IllegalStateException(var.getName() + ": only secretKeyRef is resolved here");
        }
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.getKey())) {
            throw new IllegalStateException(var.getName() + ": Secret " + ref.getName() + " has no key " + ref.getKey());
        }
        return new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
    }
}
