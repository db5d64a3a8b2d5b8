package io.ret.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * What {@code kubectl get} shows of the chart's CRDs: the job's phase and progress, then its
 * age, as kubectl users expect of every kind; {@code -o wide} (priority 1) adds owner and message.
 */
class CrdPrinterColumnsTest {

    @ParameterizedTest
    @ValueSource(strings = {"conversionjobs.ret.io-v1.yml", "indexjobs.ret.io-v1.yml"})
    void kubectlGetShowsPhaseProgressAgeAndWideAddsOwnerAndMessage(String file) throws Exception {
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("ret.chart.dir", "../charts/ret"))
                .resolve("crds").resolve(file))) {
            crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
        }

        assertThat(crd.getSpec().getVersions()).singleElement().satisfies(version ->
                assertThat(version.getAdditionalPrinterColumns())
                        .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath,
                                CustomResourceColumnDefinition::getPriority)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("Phase", ".status.phase", 0),
                                org.assertj.core.groups.Tuple.tuple("Progress", ".status.progress", 0),
                                org.assertj.core.groups.Tuple.tuple("Age", ".metadata.creationTimestamp", 0),
                                org.assertj.core.groups.Tuple.tuple("Owner", ".spec.owner", 1),
                                org.assertj.core.groups.Tuple.tuple("Message", ".status.message", 1)));
    }
}
