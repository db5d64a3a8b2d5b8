package io.ret.operator;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** {@code java -jar ret-operator.jar}: configured by environment variables ({@link OperatorSettings}). */
public final class OperatorMain {
    private static final Logger LOG = Logger.getLogger(OperatorMain.class.getName());

    private OperatorMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s - %5$s%6$s%n");
        var client = new KubernetesClientBuilder().build();
        OperatorSettings settings;
        try {
            settings = OperatorSettings.from(System.getenv(), client.getNamespace());
        } catch (OperatorSettings.InvalidSetting e) {
            LOG.severe("invalid setting " + e.getMessage());
            client.close();
            System.exit(2);
            return;
        }
        var operator = RetOperator.start(client, settings, Clock.systemUTC());
        var health = settings.healthPort() > 0 ? new HealthEndpoints(settings.healthPort(), operator::healthy, operator::scrape) : null;
        LOG.info(() -> "watching " + (settings.allNamespaces() ? "all namespaces" : settings.namespaces())
                + "; at most " + settings.maxRunning() + " workers at once"
                + settings.leaderElection().map(e -> "; leader election on Lease " + e.leaseNamespace() + "/"
                + e.leaseName() + " as " + e.identity()).orElse("; no leader election (one replica only)"));
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (health != null) {
                    health.close();
                }
                operator.close();
                client.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "error while stopping", e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        stopped.await();
    }
}
