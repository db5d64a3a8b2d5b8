package io.ret.server.job.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.FlattenMode;
import io.ret.api.v1.IndexingOptions;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobType;

/**
 * Jobs as ConversionJob / IndexJob custom resources (ret.io/v1alpha1) and
 * back: the spec the dispatcher writes for a job row, and the job parameters a
 * worker reads from a resource applied with kubectl.
 */
public final class JobResources {
    public static final String API_VERSION = "ret.io/v1alpha1";

    private JobResources() {
    }

    public enum Kind {
        CONVERSION_JOB("ConversionJob", JobType.CONVERSION),
        INDEX_JOB("IndexJob", JobType.INDEXING);

        private final String name;
        private final JobType type;

        Kind(String name, JobType type) {
            this.name = name;
            this.type = type;
        }

        public String resourceName() {
            return name;
        }

        public JobType jobType() {
            return type;
        }

        public static Optional<Kind> of(JobType type) {
            for (Kind kind : values()) {
                if (kind.type == type) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }

        public static Kind named(String name) {
            for (Kind kind : values()) {
                if (kind.name.equals(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown kind '" + name + "' (ConversionJob or IndexJob)");
        }
    }

    /** The RET job a resource runs: spec.jobId when the server created it, else (kubectl) the resource's uid. */
    public static String jobIdOf(GenericKubernetesResource resource) {
        String jobId = string(map(resource.getAdditionalProperties().get("spec")).get("jobId"));
        return jobId.isEmpty() ? resource.getMetadata().getUid() : jobId;
    }

    /** The resource name of a job's CR when the server creates it: DNS-1123, derived from the job id. */
    public static String nameOf(JobRecord job) {
        return "ret-" + job.id();
    }

    /** The custom resource that runs {@code job} on Kubernetes. */
    public static GenericKubernetesResource resourceFor(JobRecord job, Kind kind, String ownerUsername, String namespace,
                                                        long ttlSeconds) throws InvalidProtocolBufferException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("sessionId", job.subjectId());
        spec.put("owner", ownerUsername);
        spec.put("priority", job.priority());
        spec.put("retries", Math.max(0, job.maxAttempts() - 1));
        spec.put("ttlSecondsAfterFinished", ttlSeconds);
        spec.put("cancel", false);
        spec.put("jobId", job.id());
        switch (kind) {
            case CONVERSION_JOB -> spec.put("options", conversionOptions(ConversionOptions.parseFrom(job.params())));
            case INDEX_JOB -> {
                StartIndexingRequest request = StartIndexingRequest.parseFrom(job.params());
                spec.put("collection", request.getCollectionId());
                spec.put("options", indexingOptions(request.getOptions()));
            }
        }
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(API_VERSION)
                .withKind(kind.resourceName())
                .withNewMetadata()
                .withName(nameOf(job))
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "ret-server")
                .addToLabels("ret.io/job-id", job.id())
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }

    private static Map<String, Object> conversionOptions(ConversionOptions o) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!o.getRecordElement().isEmpty()) {
            out.put("recordElement", o.getRecordElement());
        }
        out.put("mode", o.getMode() == FlattenMode.FLATTEN_MODE_JOIN_REPEATED ? "join-repeated" : "child-tables");
        if (!o.getJoinSeparator().isEmpty()) {
            out.put("joinSeparator", o.getJoinSeparator());
        }
        out.put("qualifyWithNamespaceUri", o.getQualifyWithNamespaceUri());
        return out;
    }

    private static Map<String, Object> indexingOptions(IndexingOptions o) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (o.getMaxChunkChars() > 0) {
            out.put("maxChunkChars", o.getMaxChunkChars());
        }
        if (o.getFilesCount() > 0) {
            out.put("files", new ArrayList<>(o.getFilesList()));
        }
        return out;
    }

    /** What a resource's spec asks for, as the job row would hold it. */
    public record Request(String sessionId, String owner, int priority, int retries, byte[] params) {
    }

    public static Request request(GenericKubernetesResource resource, Kind kind) {
        Map<String, Object> spec = map(resource.getAdditionalProperties().get("spec"));
        Map<String, Object> options = map(spec.get("options"));
        byte[] params = switch (kind) {
            case CONVERSION_JOB -> {
                ConversionOptions.Builder o = ConversionOptions.newBuilder()
                        .setRecordElement(string(options.get("recordElement")))
                        .setJoinSeparator(string(options.get("joinSeparator")))
                        .setQualifyWithNamespaceUri(Boolean.TRUE.equals(options.get("qualifyWithNamespaceUri")));
                String mode = string(options.get("mode")).toLowerCase(Locale.ROOT);
                o.setMode(mode.equals("join-repeated") ? FlattenMode.FLATTEN_MODE_JOIN_REPEATED
                        : FlattenMode.FLATTEN_MODE_CHILD_TABLES);
                yield o.build().toByteArray();
            }
            case INDEX_JOB -> {
                IndexingOptions.Builder o = IndexingOptions.newBuilder();
                if (options.get("maxChunkChars") instanceof Number n) {
                    o.setMaxChunkChars(n.intValue());
                }
                if (options.get("files") instanceof List<?> files) {
                    files.forEach(f -> o.addFiles(String.valueOf(f)));
                }
                yield StartIndexingRequest.newBuilder()
                        .setSessionId(string(spec.get("sessionId")))
                        .setCollectionId(string(spec.get("collection")))
                        .setOptions(o)
                        .build().toByteArray();
            }
        };
        return new Request(string(spec.get("sessionId")), string(spec.get("owner")),
                spec.get("priority") instanceof Number n ? n.intValue() : 0,
                spec.get("retries") instanceof Number n ? n.intValue() : 1, params);
    }

    /** The CR's status.phase, or "" when it has none yet. */
    public static String phase(GenericKubernetesResource resource) {
        return string(map(resource.getAdditionalProperties().get("status")).get("phase"));
    }

    /**
     * Why the resource ended: the operator's message on its {@code Succeeded} condition (exit code,
     * last log line, deadline...), else the worker's last status message, else "".
     */
    public static String outcomeMessage(GenericKubernetesResource resource) {
        Map<String, Object> status = map(resource.getAdditionalProperties().get("status"));
        if (status.get("conditions") instanceof List<?> conditions) {
            for (Object condition : conditions) {
                Map<String, Object> c = map(condition);
                if ("Succeeded".equals(c.get("type")) && !string(c.get("message")).isEmpty()) {
                    return string(c.get("message"));
                }
            }
        }
        return string(status.get("message"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }
}
