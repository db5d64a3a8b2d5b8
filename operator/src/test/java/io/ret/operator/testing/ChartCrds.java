package io.ret.operator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Installs the chart's copy of the CRDs into a real cluster, as `helm install` would. */
public final class ChartCrds {
    private ChartCrds() {
    }

    public static void install(KubernetesClient cluster) {
        try (var files = Files.list(directory())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    var crd = cluster.apiextensions().v1().customResourceDefinitions().load(in).item();
                    cluster.resource(crd).forceConflicts().serverSideApply();
                    cluster.resource(crd).waitUntilCondition(ChartCrds::established, 30, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean established(CustomResourceDefinition crd) {
        // a CRD just applied may be seen before the API server has written any condition
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Path directory() {
        return Path.of(System.getProperty("ret.chart.dir", "../charts/ret")).resolve("crds");
    }
}
