package io.ret.server.job.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.GetSchemaRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.KeySource;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.TableLayout;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.RetJobSpec;
import io.ret.server.kube.KubernetesMock;
import io.ret.server.platform.Engines;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.BigArchive;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Worker mode against fabric8's CRUD mock API server, MariaDB and Redis: one
 * resource, one job, the row and the resource's status kept in step.
 */
class WorkerTest {
    private static KubernetesMock kubernetes;
    private static TestServer apiOnly;
    private static SessionClient user;
    private static String username;
    private static Engines engines;

    @BeforeAll
    static void start() {
        kubernetes = new KubernetesMock();
        // the server only takes requests here; the worker runs the jobs
        apiOnly = TestServer.builder()
                .set("ret.jobs.concurrency", "0")
                .set("ret.archive.max.ratio", "100000")
                .start();
        var created = apiOnly.newUser("worker");
        username = created.getUsername();
        user = new SessionClient(apiOnly, apiOnly.login(username, TestServer.PASSWORD).getAccessToken());
        engines = Engines.open(apiOnly.config());
        // the mock API server numbers resource uids from zero; forget jobs an earlier run registered under them
        engines.db().update("DELETE FROM jobs WHERE id LIKE '00000000-0000-0000-0000-%'");
    }

    @AfterAll
    static void stop() {
        engines.close();
        apiOnly.close();
        kubernetes.close();
    }

    private static int runWorker(String name) {
        var resource = kubernetes.client().resources(ConversionJob.class).inNamespace(KubernetesMock.NAMESPACE).withName(name);
        return Worker.runJob(apiOnly.config(), engines, resource, new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void aResourceAppliedWithKubectlGetsItsJobRowAndRunsToTheEnd() throws Exception {
        Session session = user.upload("w.zip", ZipBytes.zip(Map.of("a.xml", "<rows><row>1</row><row>2</row></rows>")));
        var cr = kubernetes.create("ConversionJob", "kubectl-job", Map.of(
                "sessionId", session.getId(), "owner", username,
                "options", Map.of("mode", "child-tables")));
        String uid = cr.getMetadata().getUid();

        assertThat(runWorker("kubectl-job")).isEqualTo(Worker.OK);

        Job job = user.jobs().getJob(GetJobRequest.newBuilder().setJobId(uid).build());
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(job.getSubjectId()).isEqualTo(session.getId());
        assertThat(job.getAttempts()).isEqualTo(1);
        assertThat(user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(session.getId()).build())
                .getOutputsList()).extracting(o -> o.getPath()).containsExactly("row.csv"); // merged: named by record type
        var status = KubernetesMock.section(kubernetes.get("ConversionJob", "kubectl-job"), "status");
        assertThat(status).containsEntry("jobId", uid).containsEntry("progress", 100);
        // running it again is harmless: the job is done
        assertThat(runWorker("kubectl-job")).isEqualTo(Worker.OK);
    }

    @Test
    void aResourceAppliedWithKubectlHonoursItsLayoutKeysWhitespaceAndLayoutSource() throws Exception {
        Session first = user.upload("opt.zip", ZipBytes.zip(Map.of("a.xml", "<rows><row><k> 1 </k></row><row><k> 2 </k></row></rows>")));
        kubernetes.create("ConversionJob", "with-options", Map.of(
                "sessionId", first.getId(), "owner", username,
                "options", Map.of("layout", "per-file", "keepWhitespace", true, "keyColumns", Map.of("row", List.of("k")))));

        assertThat(runWorker("with-options")).isEqualTo(Worker.OK);

        assertThat(new String(user.download(first.getId(), "a.csv"), StandardCharsets.UTF_8))
                .as("per file, no _file; the spaces kept").isEqualTo("_id,k\r\n1, 1 \r\n2, 2 \r\n");
        var schema = user.sessions().getSchema(GetSchemaRequest.newBuilder().setSessionId(first.getId()).build());
        assertThat(schema.getLayout()).isEqualTo(TableLayout.TABLE_LAYOUT_PER_FILE);
        assertThat(schema.getTables(0).getKeySource()).isEqualTo(KeySource.KEY_SOURCE_GIVEN);
        assertThat(schema.getTables(0).getPrimaryKeyList()).containsExactly("k");

        // next month's export takes this one's layout: its new column comes after the earlier ones
        Session next = user.upload("opt2.zip", ZipBytes.zip(Map.of("a.xml", "<rows><row><n>x</n><k>3</k></row></rows>")));
        var cr = kubernetes.create("ConversionJob", "layout-from", Map.of("sessionId", next.getId(), "owner", username,
                "options", Map.of("layout", "per-file", "layoutFromSessionId", first.getId())));
        assertThat(runWorker("layout-from")).isEqualTo(Worker.OK);
        Job job = user.jobs().getJob(GetJobRequest.newBuilder().setJobId(cr.getMetadata().getUid()).build());
        assertThat(job.getResult().getConversion().getAddedColumnsList()).containsExactly("a: n");
        assertThat(new String(user.download(next.getId(), "a.csv"), StandardCharsets.UTF_8)).isEqualTo("_id,k,n\r\n1,3,x\r\n");

        // a layout from someone else's session is refused, as StartConversion refuses it
        String stranger = apiOnly.newUser("layout-stranger").getUsername();
        Session theirs = new SessionClient(apiOnly, apiOnly.login(stranger, TestServer.PASSWORD).getAccessToken())
                .upload("theirs.zip", ZipBytes.zip(Map.of("t.xml", "<rows><row>1</row></rows>")));
        kubernetes.create("ConversionJob", "foreign-layout", Map.of("sessionId", next.getId(), "owner", username,
                "options", Map.of("layoutFromSessionId", theirs.getId())));
        assertThat(runWorker("foreign-layout")).isEqualTo(Worker.FAILED);
        assertThat(KubernetesMock.section(kubernetes.get("ConversionJob", "foreign-layout"), "status").get("message"))
                .asString().contains("layoutFromSessionId '" + theirs.getId() + "' is not a session of " + username);
    }

    @Test
    void aResourceFromTheServerRunsTheServersJobRow() throws Exception {
        Session session = user.upload("s.zip", ZipBytes.zip(Map.of("b.xml", "<rows><row>1</row></rows>")));
        Job pending = user.startConversion(session.getId(), ConversionOptions.getDefaultInstance());
        assertThat(pending.getState()).isEqualTo(JobState.JOB_STATE_PENDING);
        kubernetes.create("ConversionJob", "ret-" + pending.getId(), Map.of(
                "sessionId", session.getId(), "owner", username, "jobId", pending.getId()));

        assertThat(runWorker("ret-" + pending.getId())).isEqualTo(Worker.OK);
        assertThat(user.await(pending.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @Test
    void aResourceNamingSomeoneElsesSessionFailsWithAReasonInItsStatus() throws Exception {
        Session session = user.upload("o.zip", ZipBytes.zip(Map.of("c.xml", "<rows><row>1</row></rows>")));
        String stranger = apiOnly.newUser("stranger").getUsername();
        kubernetes.create("ConversionJob", "foreign", Map.of("sessionId", session.getId(), "owner", stranger));
        assertThat(runWorker("foreign")).isEqualTo(Worker.FAILED);
        assertThat(KubernetesMock.section(kubernetes.get("ConversionJob", "foreign"), "status").get("message"))
                .asString().contains("is not a session of " + stranger);

        kubernetes.create("ConversionJob", "ghost", Map.of("sessionId", session.getId(), "owner", "nobody-at-all"));
        assertThat(runWorker("ghost")).isEqualTo(Worker.FAILED);
    }

    @Test
    void theCancelFlagStopsARunningWorkerAndLeavesNothing() throws Exception {
        Session session = user.upload("big.zip", BigArchive.orders(200));
        var cr = kubernetes.create("ConversionJob", "to-cancel", Map.of(
                "sessionId", session.getId(), "owner", username));
        String jobId = cr.getMetadata().getUid();
        // flags the resource once the worker is converting (200 MB take seconds; the worker polls every 500 ms)
        Thread flagger = Thread.ofVirtual().start(() -> {
            while (engines.db().query("SELECT state FROM jobs WHERE id = ?", r -> r.getString(1), jobId)
                    .stream().noneMatch("RUNNING"::equals)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            kubernetes.client().resources(ConversionJob.class).inNamespace(KubernetesMock.NAMESPACE).withName("to-cancel")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), RetJobSpec.CANCEL_PATCH);
        });
        assertThat(runWorker("to-cancel")).isEqualTo(Worker.OK);
        flagger.join();
        Job job = user.jobs().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        io.ret.server.auth.AuthFixtureAccess.refused(() -> user.sessions().listOutputs(ListOutputsRequest.newBuilder()
                .setSessionId(session.getId()).build()), io.grpc.Status.Code.FAILED_PRECONDITION, "NOT_CONVERTED");
    }
}
