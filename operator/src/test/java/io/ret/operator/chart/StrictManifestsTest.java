package io.ret.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;

class StrictManifestsTest {
    @Test
    void readsKnownKindsIntoTheirModel() {
        var objects = StrictManifests.parse("""
                # Source: a comment-only document is skipped
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: i, readinessProbe: {httpGet: {path: /, port: 80}}}]
                """);
        assertThat(objects).singleElement().isInstanceOf(Deployment.class);
    }

    @Test
    void reportsAFieldTheModelDoesNotKnow() {
        assertThatThrownBy(() -> StrictManifests.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: i, readinesProbe: {}}]
                """)).hasStackTraceContaining("readinesProbe");
    }

    @Test
    void acceptsKindsWithoutAModel() {
        var objects = StrictManifests.parse("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: s}
                spec: {endpoints: [{port: observe}]}
                """);
        assertThat(objects).singleElement().satisfies(o -> assertThat(StrictManifests.typed(o)).isFalse());
    }
}
