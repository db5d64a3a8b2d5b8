package io.ret.operator;

import static io.ret.operator.testing.Resources.conversion;
import static io.ret.operator.testing.Resources.indexing;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.ConversionJobSpec;
import io.ret.operator.api.IndexJob;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJob;
import io.ret.operator.api.RetJobStatus;
import io.ret.operator.reconcile.Conditions;
import io.ret.operator.testing.Eventually;
import io.ret.operator.testing.JobControllerDouble;
import io.ret.operator.testing.KubeletDouble;
import io.ret.operator.testing.Resources;
import io.ret.operator.testing.WorkerInvocation;
import io.ret.operator.worker.WorkerJobs;

/**
 * The operator's flows, run against fabric8's mock API server ({@link MockApiServerFlowsTest}) and
 * a real one ({@link RealApiServerFlowsTest}). The tests act as the kubelet; in the mock they also
 * have a stand-in for the Job controller, in the real cluster the real one acts.
 */
abstract class OperatorFlows {
    static final int MAX_RUNNING = 2;

    protected KubernetesClient client;
    protected String namespace;
    protected KubeletDouble kubelet;
    private AutoCloseable jobController;
    protected RetOperator operator;

    /** A client and a namespace no other test uses. */
    protected abstract KubernetesClient connect();

    protected abstract String newNamespace();

    /** The mock needs a Job controller; a real cluster has one. */
    protected AutoCloseable startJobController() {
        return () -> {
        };
    }

    /** Runs while the operator still does, so finalizers can be removed. */
    protected void cleanUp() {
    }

    protected void disconnect() {
    }

    /** Kubernetes 1.20 drops Job.spec.ttlSecondsAfterFinished (an alpha field there, off by default). */
    protected boolean keepsJobTtl() {
        return true;
    }

    /** Kubernetes before 1.22 has no Indexed Jobs: it drops completionMode, and its pods have no index. */
    protected boolean keepsIndexedJobs() {
        return true;
    }

    @BeforeEach
    void startOperator() {
        client = connect();
        namespace = newNamespace();
        jobController = startJobController();
        kubelet = new KubeletDouble(client);
        operator = RetOperator.start(client, Resources.settings(namespace, MAX_RUNNING), Clock.systemUTC());
    }

    @AfterEach
    void stopOperator() throws Exception {
        cleanUp();
        operator.close();
        jobController.close();
        disconnect();
    }

    @Test
    void createsAWorkerJobThatTheResourceOwns() {
        ConversionJob resource = create(conversion("orders", Resources.fullConversionSpec()));
        assertThat(fetch(resource).getSpec().options()).as("every conversion option survives the CRD's schema")
                .isEqualTo(Resources.fullConversionSpec().options());

        Job job = awaitJob(resource);
        assertThat(job.getMetadata().getName()).isEqualTo("conversionjob-orders");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("ConversionJob");
            assertThat(owner.getUid()).isEqualTo(resource.getMetadata().getUid());
            assertThat(owner.getController()).isTrue();
        });
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        if (keepsJobTtl()) {
            assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(60 + 300);
        }
        var pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("ret-worker");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        var container = pod.getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo(Resources.IMAGE);
        assertThat(container.getArgs()).containsExactly("worker", "--kind", "ConversionJob", "--name", "orders",
                "--namespace", namespace);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getEnv()).extracting(EnvVar::getName)
                .contains("RET_SESSIONS_DIR", "RET_DB_PASSWORD", "RET_REDIS_URL");
        assertThat(container.getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(from.getConfigMapRef().getName()).isEqualTo(Resources.CONFIGMAP));
        assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly("/data", "/tmp");
        assertThat(pod.getVolumes()).anySatisfy(v ->
                assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo(Resources.SESSIONS_CLAIM));
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");

        RetJobStatus status = awaitStatus(resource, "the Job created", s -> Conditions.isTrue(s.conditionsOrEmpty(), Conditions.SCHEDULED));
        assertThat(status.phase()).isEqualTo(Phase.PENDING);
        assertThat(status.startTime()).isNotNull();
        assertThat(status.observedGeneration()).isEqualTo(resource.getMetadata().getGeneration());
        assertThat(condition(status, Conditions.SCHEDULED).getObservedGeneration()).isEqualTo(resource.getMetadata().getGeneration());
        awaitEvent(resource, Conditions.JOB_CREATED);
    }

    @Test
    void mirrorsTheWorkerUntilItSucceedsAndLeavesTheWorkersFieldsAlone() {
        ConversionJob resource = create(conversion("runs"));
        Pod pod = kubelet.awaitPod(awaitJob(resource));

        kubelet.start(pod);
        awaitStatus(resource, "Running", s -> s.phase() == Phase.RUNNING
                && condition(s, Conditions.POD_PENDING).getReason().equals(Conditions.POD_RUNNING));
        reportProgress(resource, 40, "converting orders/2024.xml");

        kubelet.exit(pod, 0, null);
        RetJobStatus done = awaitStatus(resource, "Succeeded", s -> s.phase() == Phase.SUCCEEDED);
        assertThat(done.completionTime()).isNotNull();
        assertThat(condition(done, Conditions.SUCCEEDED).getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(done.progress()).isEqualTo(40);
        assertThat(done.message()).isEqualTo("converting orders/2024.xml");
        assertThat(done.jobId()).isEqualTo("job-42");
        awaitEvent(resource, Conditions.POD_RUNNING);
        awaitEvent(resource, Conditions.COMPLETED);
    }

    /**
     * The seam for an end-to-end test with the real worker: the test waits for the worker pod,
     * reads what the kubelet would run, runs it, and reports the exit code as the kubelet would.
     * Here a stand-in reads its resource and merge-patches its status as the worker does.
     */
    @Test
    void aWorkerRunsWithItsArgumentsAndEnvironmentAndReportsThroughTheStatus() throws Exception {
        client.resource(new ConfigMapBuilder().withNewMetadata().withName(Resources.CONFIGMAP).withNamespace(namespace)
                .endMetadata().addToData("RET_DB_URL", "jdbc:mysql://db:3306/ret").build()).create();
        for (String secret : List.of("ret-db", "ret-redis")) {
            client.resource(new SecretBuilder().withNewMetadata().withName(secret).withNamespace(namespace).endMetadata()
                    .addToData(Map.of("password", base64("s3cret"), "url", base64("redis://cache:6379"))).build()).create();
        }
        ConversionJob resource = create(conversion("end-to-end"));
        Pod pod = kubelet.awaitPod(awaitJob(resource));

        WorkerInvocation invocation = WorkerInvocation.of(client, pod);
        assertThat(invocation.args()).containsExactly("worker", "--kind", "ConversionJob", "--name", "end-to-end",
                "--namespace", namespace);
        assertThat(invocation.env()).containsEntry("RET_DB_URL", "jdbc:mysql://db:3306/ret")
                .containsEntry("RET_DB_PASSWORD", "s3cret").containsEntry("RET_REDIS_URL", "redis://cache:6379")
                .containsEntry("RET_SESSIONS_DIR", "/data/sessions");

        int exitCode = kubelet.runWorker(pod, running -> {
            List<String> args = invocation.args();
            var own = client.resources(ConversionJob.class).inNamespace(args.get(args.indexOf("--namespace") + 1))
                    .withName(args.get(args.indexOf("--name") + 1)).get();
            reportProgress(own, 100, "converted 3 files");
            return 0;
        });

        assertThat(exitCode).isZero();
        RetJobStatus done = awaitStatus(resource, "Succeeded", s -> s.phase() == Phase.SUCCEEDED);
        assertThat(done.progress()).isEqualTo(100);
        assertThat(done.message()).isEqualTo("converted 3 files");
    }

    @Test
    void retriesAFailedRunThenFails() throws InterruptedException {
        ConversionJob resource = create(conversion("flaky")); // retries: 1
        Job job = awaitJob(resource);
        Pod first = kubelet.awaitPod(job);
        kubelet.start(first);
        kubelet.exit(first, 3, "reading archive\nArchiveCorruptException: bad zip");

        RetJobStatus retrying = awaitStatus(resource, "a retry", s -> Conditions.RETRYING.equals(condition(s, Conditions.SUCCEEDED).getReason()));
        assertThat(retrying.phase()).isEqualTo(Phase.RUNNING);
        assertThat(condition(retrying, Conditions.SUCCEEDED).getMessage())
                .contains("exited with code 3", "ArchiveCorruptException: bad zip", "retry 1 of 1");
        awaitEvent(resource, Conditions.RETRYING);

        Pod second = Eventually.get("the retry's pod", () -> Optional.of(kubelet.awaitPod(job))
                .filter(p -> !p.getMetadata().getName().equals(first.getMetadata().getName())));
        kubelet.start(second);
        Thread.sleep(1100); // exit times have whole seconds; the later exit is the one reported
        kubelet.exit(second, 1, "still broken");
        RetJobStatus failed = awaitStatus(resource, "Failed", s -> s.phase() == Phase.FAILED);
        Condition outcome = condition(failed, Conditions.SUCCEEDED);
        assertThat(outcome.getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(outcome.getReason()).isEqualTo(Conditions.BACKOFF_LIMIT_EXCEEDED);
        assertThat(outcome.getMessage()).contains("failed 2 time(s)", "still broken");
        assertThat(failed.completionTime()).isNotNull();
        assertThat(awaitEvent(resource, Conditions.BACKOFF_LIMIT_EXCEEDED).getType()).isEqualTo("Warning");
    }

    @Test
    void anIndexJobWithParallelismRunsOnePodPerShardAndSucceedsOnlyWhenEveryShardHas() {
        IndexJob resource = create(indexing("sharded", 0, 3)); // retries: 1
        Job job = awaitJob(resource);
        assertThat(job.getSpec().getCompletions()).isEqualTo(3);
        assertThat(job.getSpec().getParallelism()).isEqualTo(3);
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(1);
        if (keepsIndexedJobs()) {
            assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
        }
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .filteredOn(e -> WorkerJobs.COMPLETION_INDEX_ENV.equals(e.getName())).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                        .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']"));
        List<Pod> pods = kubelet.awaitPods(job, 3);
        if (keepsIndexedJobs()) {
            assertThat(pods).extracting(JobControllerDouble::index).containsExactlyInAnyOrder(0, 1, 2);
        }
        pods.forEach(kubelet::start);
        awaitStatus(resource, "Running", s -> s.phase() == Phase.RUNNING);

        kubelet.exit(pods.get(0), 0, null);
        kubelet.exit(pods.get(1), 0, null);
        kubelet.exit(pods.get(2), 137, "OOMKilled");
        RetJobStatus retrying = awaitStatus(resource, "a retry",
                s -> Conditions.RETRYING.equals(condition(s, Conditions.SUCCEEDED).getReason()));
        assertThat(retrying.phase()).as("two of three shards done").isEqualTo(Phase.RUNNING);

        Pod retry = Eventually.get("the retried shard's pod", () -> kubelet.pods(job).stream()
                .filter(p -> pods.stream().noneMatch(old -> old.getMetadata().getName().equals(p.getMetadata().getName())))
                .findFirst());
        if (keepsIndexedJobs()) {
            assertThat(JobControllerDouble.index(retry)).isEqualTo(JobControllerDouble.index(pods.get(2)));
        }
        kubelet.start(retry);
        assertThat(fetch(resource).getStatus().phase()).isEqualTo(Phase.RUNNING);
        kubelet.exit(retry, 0, null);
        RetJobStatus succeeded = awaitStatus(resource, "Succeeded", s -> s.phase() == Phase.SUCCEEDED);
        assertThat(condition(succeeded, Conditions.SUCCEEDED).getReason()).isEqualTo(Conditions.COMPLETED);
    }

    @Test
    void aShardThatFailsBeyondItsRetriesFailsTheIndexJobAndStopsTheOtherShards() throws InterruptedException {
        IndexJob resource = create(indexing("sharded-broken", 0, 2)); // retries: 1
        Job job = awaitJob(resource);
        List<Pod> pods = kubelet.awaitPods(job, 2);
        pods.forEach(kubelet::start);
        kubelet.exit(pods.get(0), 1, "first failure");
        Pod retry = Eventually.get("the retried shard's pod", () -> kubelet.pods(job).stream()
                .filter(p -> pods.stream().noneMatch(old -> old.getMetadata().getName().equals(p.getMetadata().getName())))
                .findFirst());
        kubelet.start(retry);
        Thread.sleep(1100); // exit times have whole seconds; the later exit is the one reported
        kubelet.exit(retry, 1, "second failure");

        RetJobStatus failed = awaitStatus(resource, "Failed", s -> s.phase() == Phase.FAILED);
        assertThat(condition(failed, Conditions.SUCCEEDED).getReason()).isEqualTo(Conditions.BACKOFF_LIMIT_EXCEEDED);
        Eventually.await("the other shard's pod stopped", () -> assertThat(kubelet.pods(job))
                .noneMatch(p -> p.getMetadata().getName().equals(pods.get(1).getMetadata().getName())
                        && p.getMetadata().getDeletionTimestamp() == null));
    }

    @Test
    void cancellingAnIndexJobWithParallelismStopsEveryShardsPod() {
        IndexJob resource = create(indexing("sharded-unwanted", 0, 3));
        Job job = awaitJob(resource);
        kubelet.awaitPods(job, 3).forEach(kubelet::start);
        awaitStatus(resource, "Running", s -> s.phase() == Phase.RUNNING);

        client.resources(IndexJob.class).inNamespace(namespace).withName("sharded-unwanted")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"cancel\":true}}");

        awaitStatus(resource, "Cancelled", s -> s.phase() == Phase.CANCELLED);
        awaitGone(job);
        Eventually.await("every shard's pod gone", () -> assertThat(kubelet.pods(job)).isEmpty());
    }

    @Test
    void failsWhenTheDeadlinePasses() {
        ConversionJob resource = create(conversion("slow",
                new ConversionJobSpec("session-1", "ada", null, null, 0, 2, null, null, null, null)));
        kubelet.start(kubelet.awaitPod(awaitJob(resource)));

        RetJobStatus failed = awaitStatus(resource, "Failed", s -> s.phase() == Phase.FAILED);
        assertThat(condition(failed, Conditions.SUCCEEDED).getReason()).isEqualTo(Conditions.DEADLINE_EXCEEDED);
        assertThat(condition(failed, Conditions.SUCCEEDED).getMessage()).contains("deadlineSeconds (2)");
    }

    @Test
    void reportsAWorkerPodThatCannotStart() {
        ConversionJob resource = create(conversion("stuck"));
        Pod pod = kubelet.awaitPod(awaitJob(resource));

        kubelet.unschedulable(pod, "0/3 nodes are available: 3 Insufficient memory.");
        RetJobStatus unschedulable = awaitStatus(resource, "Unschedulable",
                s -> Conditions.UNSCHEDULABLE.equals(condition(s, Conditions.POD_PENDING).getReason()));
        assertThat(unschedulable.phase()).isEqualTo(Phase.PENDING);
        assertThat(condition(unschedulable, Conditions.POD_PENDING).getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(condition(unschedulable, Conditions.POD_PENDING).getMessage()).contains("Insufficient memory");
        assertThat(awaitEvent(resource, Conditions.UNSCHEDULABLE).getType()).isEqualTo("Warning");

        kubelet.waiting(pod, "ImagePullBackOff", "Back-off pulling image \"" + Resources.IMAGE + "\"");
        awaitStatus(resource, "ImagePullBackOff",
                s -> "ImagePullBackOff".equals(condition(s, Conditions.POD_PENDING).getReason()));
        awaitEvent(resource, "ImagePullBackOff");
    }

    @Test
    void cancellingStopsTheWorker() {
        ConversionJob resource = create(conversion("unwanted"));
        Job job = awaitJob(resource);
        kubelet.start(kubelet.awaitPod(job));
        awaitStatus(resource, "Running", s -> s.phase() == Phase.RUNNING);

        client.resources(ConversionJob.class).inNamespace(namespace).withName("unwanted")
                .edit(r -> {
                    r.setSpec(new ConversionJobSpec("session-1", "ada", null, null, 1, null, null, null, true, null));
                    return r;
                });

        RetJobStatus cancelled = awaitStatus(resource, "Cancelled", s -> s.phase() == Phase.CANCELLED);
        assertThat(condition(cancelled, Conditions.SUCCEEDED).getReason()).isEqualTo(Conditions.CANCELLED);
        assertThat(cancelled.observedGeneration()).isEqualTo(2L);
        awaitGone(job);
        awaitEvent(resource, Conditions.CANCELLED);
    }

    @Test
    void aCancelAfterTheWorkerRecordedSuccessChangesNothing() {
        ConversionJob resource = create(conversion("done-first"));
        Job job = awaitJob(resource);
        Pod pod = kubelet.awaitPod(job);
        kubelet.start(pod);
        awaitStatus(resource, "Running", s -> s.phase() == Phase.RUNNING);
        reportOutcome(resource, "Succeeded"); // the worker's last word before it exits

        client.resources(ConversionJob.class).inNamespace(namespace).withName("done-first")
                .edit(r -> {
                    r.setSpec(new ConversionJobSpec("session-1", "ada", null, null, 1, null, null, null, true, null));
                    return r;
                });
        RetJobStatus seen = awaitStatus(resource, "generation 2 acted on", s -> Long.valueOf(2).equals(s.observedGeneration()));
        assertThat(seen.phase()).isEqualTo(Phase.RUNNING);
        assertThat(client.resource(job).get().getMetadata().getDeletionTimestamp()).as("the worker is left to exit").isNull();

        kubelet.exit(pod, 0, null);
        RetJobStatus succeeded = awaitStatus(resource, "Succeeded", s -> s.phase() == Phase.SUCCEEDED);
        assertThat(condition(succeeded, Conditions.SUCCEEDED).getReason()).isEqualTo(Conditions.COMPLETED);
        assertThat(succeeded.outcome()).isEqualTo(Phase.SUCCEEDED);
    }

    @Test
    void deletingTheResourceRemovesItsJob() {
        ConversionJob resource = create(conversion("deleted"));
        Job job = awaitJob(resource);
        kubelet.start(kubelet.awaitPod(job));

        client.resource(resource).delete();

        awaitGone(job);
        Eventually.await("the resource gone", () -> assertThat(fetch(resource)).isNull());
    }

    @Test
    void deletesAFinishedResourceAfterItsTtl() {
        ConversionJob resource = create(conversion("short-lived",
                new ConversionJobSpec("session-1", "ada", null, null, 1, null, 1, null, null, null)));
        Job job = awaitJob(resource);
        Pod pod = kubelet.awaitPod(job);
        kubelet.start(pod);
        kubelet.exit(pod, 0, null);
        awaitStatus(resource, "Succeeded", s -> s.phase() == Phase.SUCCEEDED);

        Eventually.await("the resource deleted after 1s", () -> assertThat(fetch(resource)).isNull());
        awaitGone(job);
    }

    @Test
    void runsAtMostTheLimitAcrossKindsAndStartsTheNextByPriorityThenAge() throws InterruptedException {
        var first = create(conversion("first", 0));
        var second = create(conversion("second", 0));
        Job firstJob = awaitJob(first);
        Job secondJob = awaitJob(second);
        var older = create(indexing("older", 0));
        Thread.sleep(1100); // creation timestamps have whole seconds
        var newer = create(conversion("newer", 0));
        var urgent = create(indexing("urgent", 5));

        RetJobStatus queued = awaitStatus(urgent, "queued",
                s -> Conditions.CONCURRENCY_LIMIT.equals(condition(s, Conditions.SCHEDULED).getReason()));
        assertThat(queued.phase()).isEqualTo(Phase.PENDING);
        assertThat(condition(queued, Conditions.SCHEDULED).getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(condition(queued, Conditions.SCHEDULED).getMessage()).contains("at most 2 workers");
        awaitStatus(older, "queued", s -> Conditions.CONCURRENCY_LIMIT.equals(condition(s, Conditions.SCHEDULED).getReason()));
        awaitStatus(newer, "queued", s -> Conditions.CONCURRENCY_LIMIT.equals(condition(s, Conditions.SCHEDULED).getReason()));
        awaitEvent(urgent, Conditions.CONCURRENCY_LIMIT);

        finish(firstJob);
        awaitJob(urgent); // priority 5 goes first
        assertThat(jobOf(older)).isEmpty();
        assertThat(jobOf(newer)).isEmpty();

        finish(secondJob);
        awaitJob(older); // then the older of the two left, whatever its kind
        awaitStatus(older, "scheduled", s -> Conditions.isTrue(s.conditionsOrEmpty(), Conditions.SCHEDULED));
        assertThat(jobOf(newer)).isEmpty();
        assertThat(condition(fetch(newer).getStatus(), Conditions.SCHEDULED).getReason()).isEqualTo(Conditions.CONCURRENCY_LIMIT);
    }

    @Test
    void failsWhenItsJobIsDeletedUnderneath() {
        ConversionJob resource = create(conversion("orphaned"));
        Job job = awaitJob(resource);
        awaitStatus(resource, "scheduled", s -> Conditions.isTrue(s.conditionsOrEmpty(), Conditions.SCHEDULED));

        client.resource(job).delete();

        RetJobStatus failed = awaitStatus(resource, "Failed", s -> s.phase() == Phase.FAILED);
        assertThat(condition(failed, Conditions.SUCCEEDED).getReason()).isEqualTo(Conditions.JOB_LOST);
    }

    @Test
    void servesReconciliationSlotAndPhaseMetricsInPrometheusFormat() throws Exception {
        ConversionJob resource = create(conversion("measured"));
        awaitJob(resource);
        awaitStatus(resource, "scheduled", s -> Conditions.isTrue(s.conditionsOrEmpty(), Conditions.SCHEDULED));

        try (var endpoints = new HealthEndpoints(0, operator::healthy, operator::scrape);
             var http = java.net.http.HttpClient.newHttpClient()) {
            var request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + endpoints.port() + "/metrics")).build();
            // the operator's caches follow the cluster a moment later than the API server answers
            Eventually.await("the metrics to show the created Job", () -> {
                java.net.http.HttpResponse<String> response;
                try {
                    response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
                assertThat(response.body())
                        .contains("operator_sdk_reconciliations_started_total", "operator_sdk_reconciliations_success_total")
                        .contains("ret_operator_worker_slots_limit " + (double) MAX_RUNNING)
                        .contains("ret_operator_worker_slots_used 1.0")
                        .contains("ret_operator_waiting 0.0")
                        .contains("ret_operator_resources{phase=\"Pending\"} 1.0")
                        .contains("ret_operator_resources{phase=\"Running\"} 0.0");
            });
        }
    }

    // ---------------------------------------------------------------- helpers

    protected <R extends RetJob<?>> R create(R resource) {
        resource.getMetadata().setNamespace(namespace);
        return client.resource(resource).create();
    }

    protected <R extends RetJob<?>> R fetch(R resource) {
        return client.resource(resource).get();
    }

    protected RetJobStatus awaitStatus(RetJob<?> resource, String what, Predicate<RetJobStatus> wanted) {
        return Eventually.get(resource.getMetadata().getName() + ": " + what, () -> {
            RetJobStatus status = Optional.ofNullable(fetch(resource)).map(RetJob::getStatus).orElse(null);
            if (status == null || !wanted.test(status)) {
                throw new AssertionError("status is " + status); // reported if this never changes
            }
            return Optional.of(status);
        });
    }

    protected Job awaitJob(RetJob<?> resource) {
        return Eventually.get("the Job of " + resource.getMetadata().getName(), () -> jobOf(resource));
    }

    protected Optional<Job> jobOf(RetJob<?> resource) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(namespace)
                .withName(WorkerJobs.jobName(resource)).get());
    }

    protected void awaitGone(Job job) {
        Eventually.await("Job " + job.getMetadata().getName() + " gone", () -> assertThat(
                client.batch().v1().jobs().inNamespace(namespace).withName(job.getMetadata().getName()).get()).isNull());
    }

    protected Event awaitEvent(RetJob<?> resource, String reason) {
        return Eventually.get("event " + reason + " on " + resource.getMetadata().getName(), () -> events(resource).stream()
                .filter(e -> reason.equals(e.getReason())).findFirst());
    }

    protected List<Event> events(RetJob<?> resource) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> resource.getMetadata().getName().equals(e.getInvolvedObject().getName())
                        && resource.getKind().equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    /** What the worker does: a merge patch of its own status fields. */
    protected void reportProgress(RetJob<?> resource, int progress, String message) {
        client.resource(resource).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"progress\":" + progress + ",\"message\":\"" + message + "\",\"jobId\":\"job-42\",\"attempts\":1}}");
    }

    protected void reportOutcome(RetJob<?> resource, String outcome) {
        client.resource(resource).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"outcome\":\"" + outcome + "\"}}");
    }

    private void finish(Job job) {
        Pod pod = kubelet.awaitPod(job);
        kubelet.start(pod);
        kubelet.exit(pod, 0, null);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    protected static Condition condition(RetJobStatus status, String type) {
        return Conditions.find(status.conditionsOrEmpty(), type)
                .orElseThrow(() -> new AssertionError("no condition " + type + " in " + status.conditions() + " at " + Instant.now()));
    }
}
