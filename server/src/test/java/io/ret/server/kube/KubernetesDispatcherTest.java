package io.ret.server.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.ret.api.v1.CancelJobRequest;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.FlattenMode;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.KeyColumns;
import io.ret.api.v1.OutputLayout;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionState;
import io.ret.operator.api.ConversionJob;
import io.ret.server.job.kubernetes.JobResources;
import io.ret.server.platform.Engines;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server with ret.jobs.dispatcher=kubernetes, against fabric8's CRUD mock
 * API server: start calls create resources, CancelJob flags them, and a job
 * whose resource failed (its pod OOM-killed, say) ends FAILED in the database.
 */
class KubernetesDispatcherTest {
    private static KubernetesMock kubernetes;
    private static TestServer server;
    private static SessionClient user;
    private static String username;

    @BeforeAll
    static void start() {
        kubernetes = new KubernetesMock();
        // the server builds its client the standard way: from these properties (or KUBECONFIG, or in-cluster)
        System.setProperty("kubernetes.master", kubernetes.url());
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        server = TestServer.builder()
                .set("ret.jobs.dispatcher", "kubernetes")
                .set("ret.jobs.kubernetes.namespace", KubernetesMock.NAMESPACE)
                .set("ret.jobs.kubernetes.sweep", "PT0.3S")
                .start();
        username = server.newUser("dispatch").getUsername();
        user = new SessionClient(server, server.login(username, TestServer.PASSWORD).getAccessToken());
    }

    @AfterAll
    static void stop() {
        server.close();
        kubernetes.close();
        List.of("kubernetes.master", "kubernetes.auth.tryKubeConfig", "kubernetes.auth.tryServiceAccount")
                .forEach(System::clearProperty);
    }

    private static Session session() throws Exception {
        return user.upload("k.zip", ZipBytes.zip(Map.of("a.xml", "<rows><row>1</row></rows>")));
    }

    @Test
    void aConversionBecomesAConversionJobResource() throws Exception {
        Session session = session();
        Job job = user.startConversion(session.getId(), ConversionOptions.newBuilder()
                .setMode(FlattenMode.FLATTEN_MODE_JOIN_REPEATED).setJoinSeparator(";").build());
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        GenericKubernetesResource cr = kubernetes.get("ConversionJob", "ret-" + job.getId());
        assertThat(cr).isNotNull();
        Map<String, Object> spec = KubernetesMock.section(cr, "spec");
        assertThat(spec).containsEntry("jobId", job.getId())
                .containsEntry("sessionId", session.getId())
                .containsEntry("owner", username)
                .containsEntry("cancel", false)
                .containsEntry("retries", 1)
                .containsEntry("ttlSecondsAfterFinished", 3600);
        assertThat(spec.get("options")).isEqualTo(Map.of("mode", "join-repeated", "joinSeparator", ";",
                "qualifyWithNamespaceUri", false, "layout", "merged", "keepWhitespace", false));
        // and a worker reading it back gets the same parameters
        var typed = kubernetes.client().resources(ConversionJob.class).inNamespace(KubernetesMock.NAMESPACE)
                .withName("ret-" + job.getId()).get();
        var request = JobResources.request(typed);
        assertThat(ConversionOptions.parseFrom(request.params()).getJoinSeparator()).isEqualTo(";");
    }

    @Test
    void theLayoutKeysAndWhitespaceOptionsTravelInTheResourceToTheWorker() throws Exception {
        ConversionOptions options = ConversionOptions.newBuilder()
                .setLayout(OutputLayout.OUTPUT_LAYOUT_PER_FILE)
                .setKeepWhitespace(true)
                .putKeyColumns("order", KeyColumns.newBuilder().addColumns("@id").build())
                .putKeyColumns("/orders/order/line", KeyColumns.newBuilder().addColumns("sku").addColumns("no").build())
                .build();
        Job job = user.startConversion(session().getId(), options);

        Map<String, Object> spec = KubernetesMock.section(kubernetes.get("ConversionJob", "ret-" + job.getId()), "spec");
        assertThat(spec.get("options")).isEqualTo(Map.of("mode", "child-tables", "qualifyWithNamespaceUri", false,
                "layout", "per-file", "keepWhitespace", true,
                "keyColumns", Map.of("order", List.of("@id"), "/orders/order/line", List.of("sku", "no"))));
        var typed = kubernetes.client().resources(ConversionJob.class).inNamespace(KubernetesMock.NAMESPACE)
                .withName("ret-" + job.getId()).get();
        assertThat(ConversionOptions.parseFrom(JobResources.request(typed).params()))
                .isEqualTo(options.toBuilder().setMode(FlattenMode.FLATTEN_MODE_CHILD_TABLES).build());
    }

    @Test
    void cancelJobSetsTheResourcesCancelFlag() throws Exception {
        Job job = user.startConversion(session().getId(), ConversionOptions.getDefaultInstance());
        Job cancelled = user.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
        assertThat(cancelled.getState()).as("a pending job is cancelled at once").isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(KubernetesMock.section(kubernetes.get("ConversionJob", "ret-" + job.getId()), "spec"))
                .containsEntry("cancel", true);
    }

    @Test
    void aJobWhoseWorkerDiedWithoutAWordEndsFailedWithTheReasonAndItsSessionFailed() throws Exception {
        Session session = session();
        Job job = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        try (Engines engines = Engines.open(server.config())) {
            // the worker had started converting (its handler marks the session) before its pod died
            engines.db().update("UPDATE sessions SET state = 'CONVERTING' WHERE id = ?", session.getId());
        }
        // the operator gives up on the resource: the pod was OOM-killed and no retries are left
        kubernetes.client().genericKubernetesResources("ret.io/v1alpha1", "ConversionJob")
                .inNamespace(KubernetesMock.NAMESPACE).withName("ret-" + job.getId())
                .editStatus(r -> {
                    // the worker's last word was progress; the operator's condition says why it ended
                    r.getAdditionalProperties().put("status", Map.of("phase", "Failed",
                            "message", "converting a.xml",
                            "conditions", List.of(Map.of("type", "Succeeded", "status", "False",
                                    "reason", "BackoffLimitExceeded",
                                    "message", "worker pod OOMKilled (exit code 137); no retries left"))));
                    return r;
                });
        Job done = user.await(job.getId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(done.getError().getReason()).isEqualTo("WORKER_FAILED");
        assertThat(done.getError().getMessage()).isEqualTo("worker pod OOMKilled (exit code 137); no retries left");
        assertThat(Duration.ofSeconds(done.getEndTime().getSeconds() - done.getCreateTime().getSeconds()))
                .isLessThan(Duration.ofSeconds(30));
        assertThat(user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build())
                .getState()).as("not left converting").isEqualTo(SessionState.SESSION_STATE_FAILED);
    }

    @Test
    void aResourceWithANameOfItsOwnIsFoundByItsJobIdForTheSweepAndForCancel() throws Exception {
        Job job = user.startConversion(session().getId(), ConversionOptions.getDefaultInstance());
        var resources = kubernetes.client().genericKubernetesResources("ret.io/v1alpha1", "ConversionJob")
                .inNamespace(KubernetesMock.NAMESPACE);
        // as if applied with kubectl under a name of its own (the uid is the job id when spec.jobId is absent)
        resources.withName("ret-" + job.getId()).delete();
        String name = "orders-" + job.getId().substring(job.getId().length() - 8);
        kubernetes.create("ConversionJob", name, Map.of("sessionId", job.getSubjectId(), "owner", username,
                "jobId", job.getId()));
        try (Engines engines = Engines.open(server.config())) {
            // past the grace a job without any resource gets before the sweep fails it
            engines.db().update("UPDATE jobs SET created_at = created_at - INTERVAL 5 MINUTE WHERE id = ?", job.getId());
        }
        Thread.sleep(1500); // five sweeps
        assertThat(user.jobs().getJob(GetJobRequest.newBuilder().setJobId(job.getId()).build()).getState())
                .isEqualTo(JobState.JOB_STATE_PENDING);

        user.jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(job.getId()).build());
        assertThat(KubernetesMock.section(kubernetes.get("ConversionJob", name), "spec")).containsEntry("cancel", true);
    }
}
