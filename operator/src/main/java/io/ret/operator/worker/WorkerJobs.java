package io.ret.operator.worker;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.ret.operator.api.RetJob;

/** The batch/v1 Job that runs one job's worker pod, and the names and labels that tie it to its CR. */
public final class WorkerJobs {
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "ret-operator";
    public static final String KIND_LABEL = "ret.io/kind";
    /** On the Job and its pods: the CR's name, which can be longer than a label value may be. */
    public static final String RESOURCE_ANNOTATION = "ret.io/resource";
    /** Selects every worker Job and pod this operator manages, of both kinds. */
    public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY;

    public static final String CONTAINER = "worker";
    /** The pod's shard of a job run by several pods: what an Indexed Job's controller sets (0..parallelism-1). */
    public static final String COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";
    /** The pod annotation an Indexed Job's controller writes the index into. */
    public static final String COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
    public static final String DATA_DIR = "/data";
    public static final String SESSIONS_DIR = DATA_DIR + "/sessions";

    /** Label and DNS names stop at 63 characters; Job names must leave room for pod name suffixes. */
    private static final int MAX_JOB_NAME = 52;
    /**
     * The Job outlives a finished CR's TTL by this much: the operator deletes the CR (and with it
     * the Job) first, so the Job's own TTL only matters when the operator was down.
     */
    private static final int JOB_TTL_GRACE_SECONDS = 300;

    private final WorkerSettings settings;

    public WorkerJobs(WorkerSettings settings) {
        this.settings = settings;
    }

    /** {@code conversionjob-<name>} or {@code indexjob-<name>}; long names end in a hash instead. */
    public static String jobName(RetJob<?> resource) {
        return jobName(resource.getKind(), resource.getMetadata().getName());
    }

    static String jobName(String kind, String resourceName) {
        String name = kindLabel(kind) + "-" + resourceName;
        if (name.length() <= MAX_JOB_NAME) {
            return name;
        }
        String hash = sha256(resourceName).substring(0, 10);
        String head = name.substring(0, MAX_JOB_NAME - hash.length() - 1).replaceAll("[-.]+$", "");
        return head + "-" + hash;
    }

    public static String kindLabel(String kind) {
        return kind.toLowerCase(Locale.ROOT);
    }

    public Job workerJob(RetJob<?> resource) {
        var spec = resource.getSpec();
        String kind = resource.getKind();
        String name = resource.getMetadata().getName();
        String namespace = resource.getMetadata().getNamespace();
        Map<String, String> labels = Map.of(
                "app.kubernetes.io/name", "ret",
                "app.kubernetes.io/component", "worker",
                MANAGED_BY_LABEL, MANAGED_BY,
                KIND_LABEL, kindLabel(kind));
        Map<String, String> annotations = Map.of(RESOURCE_ANNOTATION, name);
        Integer ttl = spec.ttlSecondsAfterFinished() == null ? null
                : spec.ttlSecondsAfterFinished() + JOB_TTL_GRACE_SECONDS;
        int shards = spec.parallelismOrDefault();
        Job job = new JobBuilder()
                .withNewMetadata()
                    .withName(jobName(resource)).withNamespace(namespace)
                    .withLabels(labels).withAnnotations(annotations)
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion(resource.getApiVersion()).withKind(kind).withName(name)
                            .withUid(resource.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true)
                            .build())
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(spec.retriesOrDefault())
                    .withActiveDeadlineSeconds(spec.deadlineSeconds() == null ? null : spec.deadlineSeconds().longValue())
                    .withTtlSecondsAfterFinished(ttl)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(settings.serviceAccount())
                            .withEnableServiceLinks(false)
                            .withImagePullSecrets(settings.imagePullSecrets().stream()
                                    .map(LocalObjectReference::new).toList())
                            .withSecurityContext(new PodSecurityContextBuilder()
                                    .withRunAsNonRoot(true)
                                    .withFsGroup(settings.fsGroup().orElse(null))
                                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                    .build())
                            .withContainers(container(kind, name, namespace, spec.resources(), shards > 1))
                            .addNewVolume().withName("data")
                                .withNewPersistentVolumeClaim().withClaimName(settings.sessionsClaim()).endPersistentVolumeClaim()
                            .endVolume()
                            // the root filesystem is read-only; the JVM and native libraries need a /tmp
                            .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        if (shards > 1) {
            // one pod per shard, all at once; the Job completes when every index has succeeded, and
            // backoffLimit counts the failed pods of all shards together
            job.getSpec().setCompletionMode("Indexed");
            job.getSpec().setCompletions(shards);
            job.getSpec().setParallelism(shards);
        }
        return job;
    }

    private Container container(String kind, String name, String namespace, ResourceRequirements resources,
                                boolean sharded) {
        var builder = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(settings.image())
                .withImagePullPolicy(settings.imagePullPolicy())
                .withArgs("worker", "--kind", kind, "--name", name, "--namespace", namespace)
                .withEnv(env(sharded))
                .withResources(resources != null ? resources : settings.defaultResources())
                // a failed worker's last log lines become the pod's termination message
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount().withName("data").withMountPath(DATA_DIR).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount();
        settings.configMap().ifPresent(configMap ->
                builder.addNewEnvFrom().withNewConfigMapRef().withName(configMap).endConfigMapRef().endEnvFrom());
        return builder.build();
    }

    private List<EnvVar> env(boolean sharded) {
        List<EnvVar> env = new ArrayList<>();
        if (sharded) {
            // set explicitly (newer controllers add it too): an API server without Indexed Jobs leaves it
            // empty, and the worker then takes a free shard from the database instead
            env.add(new EnvVarBuilder().withName(COMPLETION_INDEX_ENV).withNewValueFrom().withNewFieldRef()
                    .withFieldPath("metadata.annotations['" + COMPLETION_INDEX_ANNOTATION + "']").endFieldRef()
                    .endValueFrom().build());
        }
        env.add(new EnvVar("RET_SESSIONS_DIR", SESSIONS_DIR, null));
        env.add(new EnvVar("RET_RUNTIME_DIR", "/tmp/ret", null));
        for (var secret : settings.secretEnv()) {
            env.add(new EnvVarBuilder().withName(secret.name())
                    .withNewValueFrom().withNewSecretKeyRef(secret.key(), secret.secret(), false).endValueFrom()
                    .build());
        }
        return env;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
