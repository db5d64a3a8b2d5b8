package io.ret.operator.api;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;

/**
 * Generates the job resources' CRDs (run by the build, see pom.xml) with fabric8's generator,
 * then puts the printer columns in the order {@link RetJob} declares them. The generator sorts
 * them by JSON path, which puts Age (.metadata) first; {@code kubectl get} users expect the
 * resource's own columns first, then Age, then the {@code -o wide} ones (priority 1).
 */
public final class CrdGeneration {
    private CrdGeneration() {
    }

    /** @param args the output directory */
    public static void main(String[] args) throws java.io.IOException {
        List<String> declared = Arrays.stream(RetJob.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::jsonPath).toList();
        Comparator<CustomResourceColumnDefinition> asDeclared = Comparator.comparingInt(c -> {
            int at = declared.indexOf(c.getJsonPath());
            return at < 0 ? declared.size() : at;
        });
        var generated = new CRDGenerator()
                .customResourceClasses(ConversionJob.class, IndexJob.class)
                .withPostProcessor(new CRDPostProcessor() {
                    @Override
                    public HasMetadata process(HasMetadata crd, String specVersion) {
                        if (crd instanceof CustomResourceDefinition definition) {
                            definition.getSpec().getVersions()
                                    .forEach(v -> v.getAdditionalPrinterColumns().sort(asDeclared));
                        }
                        return crd;
                    }
                })
                .inOutputDir(java.nio.file.Files.createDirectories(Path.of(args[0])).toFile())
                .detailedGenerate();
        generated.getCRDDetailsPerNameAndVersion().forEach((name, versions) -> versions.forEach((version, info) ->
                System.out.println("Generated CRD " + name + " " + version + " -> " + info.getFilePath())));
    }
}
