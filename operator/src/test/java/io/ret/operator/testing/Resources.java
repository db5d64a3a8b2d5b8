package io.ret.operator.testing;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.ret.operator.OperatorSettings;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.ConversionJobSpec;
import io.ret.operator.api.ConversionOptions;
import io.ret.operator.api.IndexJob;
import io.ret.operator.api.IndexJobSpec;
import io.ret.operator.api.IndexOptions;

/** Custom resources and operator settings as tests need them. */
public final class Resources {
    public static final String IMAGE = "registry.example/ret-server:test";
    public static final String SESSIONS_CLAIM = "ret-sessions";
    public static final String CONFIGMAP = "ret-config";

    private Resources() {
    }

    public static OperatorSettings settings(String namespace, int maxRunning) {
        return OperatorSettings.from(Map.of(
                "RET_OPERATOR_NAMESPACES", namespace,
                "RET_OPERATOR_MAX_RUNNING", Integer.toString(maxRunning),
                "RET_OPERATOR_HEALTH_PORT", "0",
                "RET_OPERATOR_WORKER_IMAGE", IMAGE,
                "RET_OPERATOR_WORKER_CONFIGMAP", CONFIGMAP,
                "RET_OPERATOR_WORKER_SECRET_ENV", "RET_DB_PASSWORD=ret-db/password,RET_REDIS_URL=ret-redis/url",
                "RET_OPERATOR_WORKER_SESSIONS_CLAIM", SESSIONS_CLAIM,
                "RET_OPERATOR_WORKER_RESOURCES", "{\"requests\":{\"cpu\":\"250m\",\"memory\":\"512Mi\"}}"), null);
    }

    /** A conversion with one retry and nothing else optional. */
    public static ConversionJob conversion(String name) {
        return conversion(name, new ConversionJobSpec("session-1", "ada", null, null, 1, null, null, null, null, null));
    }

    public static ConversionJob conversion(String name, ConversionJobSpec spec) {
        var resource = new ConversionJob();
        resource.setMetadata(meta(name));
        resource.setSpec(spec);
        return resource;
    }

    public static ConversionJobSpec fullConversionSpec() {
        return new ConversionJobSpec("session-7", "ada",
                new ConversionOptions("orders/order", ConversionOptions.FlattenMode.JOIN_REPEATED, ";", true,
                        ConversionOptions.Layout.PER_FILE, true, Map.of("order", List.of("@id")), "session-6"),
                3, 2, 600, 60, null, false, "job-123");
    }

    public static IndexJob indexing(String name, int priority) {
        return indexing(name, priority, null);
    }

    /** An IndexJob split into {@code parallelism} shards (null: the default, one). */
    public static IndexJob indexing(String name, int priority, Integer parallelism) {
        var resource = new IndexJob();
        resource.setMetadata(meta(name));
        resource.setSpec(new IndexJobSpec("session-1", "ada", "docs", new IndexOptions(800, null), priority, 1, null,
                null, null, null, null, parallelism));
        return resource;
    }

    public static ConversionJob conversion(String name, int priority) {
        return conversion(name, new ConversionJobSpec("session-1", "ada", null, priority, 1, null, null, null, null, null));
    }

    private static ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).build();
    }
}
