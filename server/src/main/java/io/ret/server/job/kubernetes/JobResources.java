package io.ret.server.job.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ret.api.v1.FlattenMode;
import io.ret.api.v1.IndexingOptions;
import io.ret.api.v1.KeyColumns;
import io.ret.api.v1.OutputLayout;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.ConversionJobSpec;
import io.ret.operator.api.ConversionOptions;
import io.ret.operator.api.IndexJob;
import io.ret.operator.api.IndexJobSpec;
import io.ret.operator.api.IndexOptions;
import io.ret.operator.api.RetJob;
import io.ret.operator.api.RetJobSpec;
import io.ret.operator.api.RetJobStatus;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobType;
import io.ret.server.platform.trace.Tracing;

/**
 * Jobs as ConversionJob / IndexJob custom resources (the typed classes of {@code ret-operator-api})
 * and back: the resource the dispatcher creates for a job row, and the job parameters a worker
 * reads from a resource applied with kubectl.
 */
public final class JobResources {
    private JobResources() {
    }

    public enum Kind {
        CONVERSION_JOB(ConversionJob.class, JobType.CONVERSION),
        INDEX_JOB(IndexJob.class, JobType.INDEXING);

        private final Class<? extends RetJob<?>> resourceClass;
        private final JobType type;

        Kind(Class<? extends RetJob<?>> resourceClass, JobType type) {
            this.resourceClass = resourceClass;
            this.type = type;
        }

        public Class<? extends RetJob<?>> resourceClass() {
            return resourceClass;
        }

        /** ConversionJob or IndexJob, as in the resource's {@code kind}. */
        public String resourceName() {
            return HasMetadata.getKind(resourceClass);
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

        public static Kind of(RetJob<?> resource) {
            return switch (resource) {
                case ConversionJob conversion -> CONVERSION_JOB;
                case IndexJob indexing -> INDEX_JOB;
            };
        }

        public static Kind named(String name) {
            for (Kind kind : values()) {
                if (kind.resourceName().equals(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown kind '" + name + "' (ConversionJob or IndexJob)");
        }
    }

    /**
     * The W3C traceparent of the call that started the job (set when tracing is on): the worker
     * pod continues that trace. A resource applied with kubectl may carry one of its own.
     */
    public static final String TRACEPARENT_ANNOTATION = "ret.io/traceparent";

    /** The resource name of a job's CR when the server creates it: DNS-1123, derived from the job id. */
    public static String nameOf(JobRecord job) {
        return "ret-" + job.id();
    }

    /** The custom resource that runs {@code job} on Kubernetes. */
    public static RetJob<?> resourceFor(JobRecord job, Kind kind, String ownerUsername, String namespace,
                                        long ttlSeconds) throws InvalidProtocolBufferException {
        int retries = Math.max(0, job.maxAttempts() - 1);
        int ttl = (int) Math.min(Integer.MAX_VALUE, ttlSeconds);
        RetJob<?> resource = switch (kind) {
            case CONVERSION_JOB -> {
                var conversion = new ConversionJob();
                conversion.setSpec(new ConversionJobSpec(job.subjectId(), ownerUsername,
                        conversionOptions(io.ret.api.v1.ConversionOptions.parseFrom(job.params())), job.priority(),
                        retries, null, ttl, null, false, job.id()));
                yield conversion;
            }
            case INDEX_JOB -> {
                StartIndexingRequest request = StartIndexingRequest.parseFrom(job.params());
                var indexing = new IndexJob();
                indexing.setSpec(new IndexJobSpec(job.subjectId(), ownerUsername, request.getCollectionId(),
                        indexOptions(request.getOptions()), job.priority(), retries, null, ttl, null, false, job.id(),
                        request.getOptions().getParallelism() > 1 ? request.getOptions().getParallelism() : null));
                yield indexing;
            }
        };
        var metadata = new ObjectMetaBuilder()
                .withName(nameOf(job))
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "ret-server")
                .addToLabels("ret.io/job-id", job.id());
        String traceparent = Tracing.traceparent();
        if (traceparent != null) {
            metadata.addToAnnotations(TRACEPARENT_ANNOTATION, traceparent);
        }
        resource.setMetadata(metadata.build());
        return resource;
    }

    private static ConversionOptions conversionOptions(io.ret.api.v1.ConversionOptions o) {
        Map<String, List<String>> keys = new TreeMap<>(); // sorted: the same options give the same resource
        o.getKeyColumnsMap().forEach((table, columns) -> keys.put(table, List.copyOf(columns.getColumnsList())));
        return new ConversionOptions(
                o.getRecordElement().isEmpty() ? null : o.getRecordElement(),
                o.getMode() == FlattenMode.FLATTEN_MODE_JOIN_REPEATED ? ConversionOptions.FlattenMode.JOIN_REPEATED
                        : ConversionOptions.FlattenMode.CHILD_TABLES,
                o.getJoinSeparator().isEmpty() ? null : o.getJoinSeparator(),
                o.getQualifyWithNamespaceUri(),
                o.getLayout() == OutputLayout.OUTPUT_LAYOUT_PER_FILE ? ConversionOptions.Layout.PER_FILE
                        : ConversionOptions.Layout.MERGED,
                o.getKeepWhitespace(),
                keys.isEmpty() ? null : keys,
                o.getLayoutFromSessionId().isEmpty() ? null : o.getLayoutFromSessionId());
    }

    private static IndexOptions indexOptions(IndexingOptions o) {
        return new IndexOptions(o.getMaxChunkChars() > 0 ? o.getMaxChunkChars() : null,
                o.getFilesCount() > 0 ? List.copyOf(o.getFilesList()) : null);
    }

    /**
     * What a resource's spec asks for, as the job row holds it.
     *
     * @param readsSessions sessions the job reads besides its own (a conversion's layout_from_session_id)
     */
    public record Request(String sessionId, String owner, int priority, int retries, byte[] params,
                          List<String> readsSessions) {
    }

    public static Request request(RetJob<?> resource) {
        RetJobSpec spec = resource.getSpec();
        List<String> reads = List.of();
        byte[] params;
        switch (resource) {
            case ConversionJob conversion -> {
                io.ret.api.v1.ConversionOptions options = conversionParams(conversion.getSpec().options());
                params = options.toByteArray();
                reads = options.getLayoutFromSessionId().isEmpty() ? List.of() : List.of(options.getLayoutFromSessionId());
            }
            case IndexJob indexing -> params = StartIndexingRequest.newBuilder()
                    .setSessionId(indexing.getSpec().sessionId())
                    .setCollectionId(indexing.getSpec().collection())
                    .setOptions(indexingParams(indexing.getSpec().options()))
                    .build().toByteArray();
        }
        return new Request(spec.sessionId(), spec.owner(), spec.priorityOrDefault(), spec.retriesOrDefault(), params,
                reads);
    }

    private static io.ret.api.v1.ConversionOptions conversionParams(ConversionOptions options) {
        var o = io.ret.api.v1.ConversionOptions.newBuilder();
        if (options == null) {
            return o.setMode(FlattenMode.FLATTEN_MODE_CHILD_TABLES).build();
        }
        Optional.ofNullable(options.recordElement()).ifPresent(o::setRecordElement);
        Optional.ofNullable(options.joinSeparator()).ifPresent(o::setJoinSeparator);
        Optional.ofNullable(options.layoutFromSessionId()).ifPresent(o::setLayoutFromSessionId);
        Optional.ofNullable(options.keyColumns()).ifPresent(keys -> keys.forEach((table, columns) ->
                o.putKeyColumns(table, KeyColumns.newBuilder().addAllColumns(columns == null ? List.of() : columns).build())));
        return o.setQualifyWithNamespaceUri(Boolean.TRUE.equals(options.qualifyWithNamespaceUri()))
                .setKeepWhitespace(Boolean.TRUE.equals(options.keepWhitespace()))
                .setLayout(options.layout() == ConversionOptions.Layout.PER_FILE ? OutputLayout.OUTPUT_LAYOUT_PER_FILE
                        : OutputLayout.OUTPUT_LAYOUT_MERGED)
                .setMode(options.mode() == ConversionOptions.FlattenMode.JOIN_REPEATED
                        ? FlattenMode.FLATTEN_MODE_JOIN_REPEATED : FlattenMode.FLATTEN_MODE_CHILD_TABLES)
                .build();
    }

    private static IndexingOptions indexingParams(IndexOptions options) {
        var o = IndexingOptions.newBuilder();
        if (options != null) {
            Optional.ofNullable(options.maxChunkChars()).ifPresent(o::setMaxChunkChars);
            Optional.ofNullable(options.files()).ifPresent(o::addAllFiles);
        }
        return o.build();
    }

    /**
     * Why the resource ended: the operator's message on its {@code Succeeded} condition (exit code,
     * last log line, deadline...), else the worker's last status message, else "".
     */
    public static String outcomeMessage(RetJob<?> resource) {
        RetJobStatus status = resource.getStatus();
        if (status == null) {
            return "";
        }
        return status.outcomeCondition()
                .map(Condition::getMessage)
                .filter(m -> m != null && !m.isEmpty())
                .orElse(status.message() == null ? "" : status.message());
    }
}
