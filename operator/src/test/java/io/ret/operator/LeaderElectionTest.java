package io.ret.operator;

import static io.ret.operator.testing.Resources.conversion;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.Phase;
import io.ret.operator.reconcile.Conditions;
import io.ret.operator.testing.ChartCrds;
import io.ret.operator.testing.Eventually;
import io.ret.operator.testing.KubeletDouble;
import io.ret.operator.testing.Resources;
import io.ret.operator.worker.WorkerJobs;

/**
 * Two operator replicas against a real API server ({@code test-cluster start DIR}), each with a
 * client of its own, electing a leader on a Lease: the leader is killed mid-run (its client goes
 * away without releasing the Lease, as when its pod or node dies), and the other takes over within
 * the lease time, counts the running workers from the cluster and creates no Job twice.
 */
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class LeaderElectionTest {
    private static final String LEASE = "ret-operator";
    private static final int MAX_RUNNING = 2;

    private final Map<String, KubernetesClient> clients = new HashMap<>();
    private final Map<String, RetOperator> operators = new HashMap<>();
    private KubernetesClient cluster;
    private String namespace;

    @BeforeEach
    void startTwoReplicas() {
        cluster = new KubernetesClientBuilder().build();
        ChartCrds.install(cluster);
        namespace = "ret-ha-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        for (String identity : List.of("replica-a", "replica-b")) {
            KubernetesClient client = new KubernetesClientBuilder().build();
            clients.put(identity, client);
            var base = Resources.settings(namespace, MAX_RUNNING);
            var settings = new OperatorSettings(base.namespaces(), base.allNamespaces(), base.maxRunning(),
                    base.healthPort(), base.worker(),
                    Optional.of(new OperatorSettings.LeaderElection(LEASE, namespace, identity)));
            operators.put(identity, RetOperator.start(client, settings, Clock.systemUTC(), false));
        }
    }

    @AfterEach
    void stop() {
        // deleted while the surviving replica runs, so it removes its finalizers
        cluster.resources(ConversionJob.class).inNamespace(namespace).delete();
        Eventually.await("no ConversionJob left", () ->
                assertThat(cluster.resources(ConversionJob.class).inNamespace(namespace).list().getItems()).isEmpty());
        operators.values().forEach(operator -> {
            try {
                operator.close();
            } catch (RuntimeException e) {
                // the killed replica's client is gone
            }
        });
        clients.values().forEach(KubernetesClient::close);
        cluster.namespaces().withName(namespace).delete();
        cluster.close();
    }

    @Test
    void theStandbyTakesOverWithinTheLeaseTimeAndCreatesNoJobTwice() {
        String leader = Eventually.get("a leader", () -> holder());
        String standby = leader.equals("replica-a") ? "replica-b" : "replica-a";
        KubeletDouble kubelet = new KubeletDouble(cluster);

        var first = create(conversion("first", 0));
        var second = create(conversion("second", 0));
        Job firstJob = awaitJob(first);
        Job secondJob = awaitJob(second);
        var third = create(conversion("third", 0));
        Eventually.await("third queued", () -> assertThat(Optional.ofNullable(fetch(third).getStatus())
                .flatMap(s -> Conditions.find(s.conditionsOrEmpty(), Conditions.SCHEDULED)).map(c -> c.getReason()))
                .hasValue(Conditions.CONCURRENCY_LIMIT));
        kubelet.start(kubelet.awaitPod(firstJob));

        // the leader dies: no more renewals, the Lease is not released
        long killedAt = System.nanoTime();
        clients.get(leader).close();

        String next = Eventually.get("a new leader", () -> holder().filter(standby::equals),
                RetOperator.LEASE_DURATION.plus(RetOperator.RETRY_PERIOD.multipliedBy(3)).plusSeconds(10));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(takeover).as("takeover time").isLessThan(RetOperator.LEASE_DURATION.plus(RetOperator.RETRY_PERIOD.multipliedBy(3)));
        assertThat(next).isEqualTo(standby);

        // the new leader sees both workers running: the third still waits
        var firstPod = kubelet.awaitPod(firstJob);
        Eventually.await("first running", () -> assertThat(fetch(first).getStatus().phase()).isEqualTo(Phase.RUNNING));
        assertThat(jobOf(third)).isEmpty();

        kubelet.exit(firstPod, 0, null);
        Eventually.await("first succeeded", () -> assertThat(fetch(first).getStatus().phase()).isEqualTo(Phase.SUCCEEDED));
        Job thirdJob = awaitJob(third);

        // one Job per resource, the first two the ones the old leader created
        assertThat(jobOf(first).orElseThrow().getMetadata().getUid()).isEqualTo(firstJob.getMetadata().getUid());
        assertThat(jobOf(second).orElseThrow().getMetadata().getUid()).isEqualTo(secondJob.getMetadata().getUid());
        assertThat(cluster.batch().v1().jobs().inNamespace(namespace).list().getItems())
                .extracting(j -> j.getMetadata().getName())
                .containsExactlyInAnyOrder(firstJob.getMetadata().getName(), secondJob.getMetadata().getName(),
                        thirdJob.getMetadata().getName());
    }

    private Optional<String> holder() {
        Lease lease = cluster.leases().inNamespace(namespace).withName(LEASE).get();
        return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity()).filter(h -> !h.isEmpty());
    }

    private ConversionJob create(ConversionJob resource) {
        resource.getMetadata().setNamespace(namespace);
        return cluster.resource(resource).create();
    }

    private ConversionJob fetch(ConversionJob resource) {
        return cluster.resources(ConversionJob.class).inNamespace(namespace).withName(resource.getMetadata().getName()).get();
    }

    private Job awaitJob(ConversionJob resource) {
        return Eventually.get("the Job of " + resource.getMetadata().getName(), () -> jobOf(resource));
    }

    private Optional<Job> jobOf(ConversionJob resource) {
        return Optional.ofNullable(cluster.batch().v1().jobs().inNamespace(namespace)
                .withName(WorkerJobs.jobName(resource)).get());
    }
}
