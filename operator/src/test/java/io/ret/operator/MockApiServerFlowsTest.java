package io.ret.operator;

import static io.ret.operator.testing.Resources.conversion;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.api.Phase;
import io.ret.operator.api.RetJobStatus;
import io.ret.operator.reconcile.Conditions;
import io.ret.operator.testing.JobControllerDouble;
import io.ret.operator.testing.MockApiServer;

/** The flows against fabric8's CRUD mock API server: fast, no cluster needed. */
class MockApiServerFlowsTest extends OperatorFlows {
    private static final String QUOTA = "jobs.batch \"conversionjob-refused\" is forbidden: exceeded quota: workers,"
            + " requested: count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2";

    private MockApiServer server;

    @Override
    protected KubernetesClient connect() {
        server = new MockApiServer();
        return server.client();
    }

    @Override
    protected String newNamespace() {
        return "test";
    }

    @Override
    protected AutoCloseable startJobController() {
        return new JobControllerDouble(client, namespace);
    }

    @Override
    protected void disconnect() {
        server.close();
    }

    @Test
    void aRefusedJobCreateShowsAsAConditionAndAWarningEventAndIsRetriedUntilItWorks() {
        server.refuseJobCreates(new MockApiServer.Refusal(403, "Forbidden", QUOTA));
        ConversionJob resource = create(conversion("refused"));

        RetJobStatus refused = awaitStatus(resource, "JobCreateFailed",
                s -> Conditions.JOB_CREATE_FAILED.equals(condition(s, Conditions.SCHEDULED).getReason()));
        Condition scheduled = condition(refused, Conditions.SCHEDULED);
        assertThat(scheduled.getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(scheduled.getMessage()).contains("refused to create Job conversionjob-refused (403)", "exceeded quota: workers");
        assertThat(refused.phase()).isEqualTo(Phase.PENDING);
        var event = awaitEvent(resource, Conditions.JOB_CREATE_FAILED);
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getMessage()).contains("exceeded quota: workers");
        assertThat(jobOf(resource)).isEmpty();

        server.refuseJobCreates(null); // the quota frees up: the retry policy tries again
        awaitJob(resource);
        RetJobStatus created = awaitStatus(resource, "JobCreated",
                s -> Conditions.isTrue(s.conditionsOrEmpty(), Conditions.SCHEDULED));
        assertThat(condition(created, Conditions.SCHEDULED).getReason()).isEqualTo(Conditions.JOB_CREATED);
        assertThat(events(resource)).filteredOn(e -> Conditions.JOB_CREATE_FAILED.equals(e.getReason()))
                .as("one event for the refusal, not one per retry").hasSize(1);
    }
}
