package io.ret.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ret.operator.testing.JobControllerDouble;
import io.ret.operator.testing.MockApiServer;

/** The flows against fabric8's CRUD mock API server: fast, no cluster needed. */
class MockApiServerFlowsTest extends OperatorFlows {
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
}
