package io.ret.operator.chart;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Reads rendered manifests into fabric8's typed model, failing on any field the model does not
 * know. fabric8 keeps unknown fields in "additionalProperties" through a Jackson any-setter;
 * with any-setters switched off, Jackson's own unknown-property check reports them, with a path.
 */
final class StrictManifests {
    private static final KubernetesSerialization STRICT = new KubernetesSerialization(strictMapper(), true);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private StrictManifests() {
    }

    /** Every document of a multi-document YAML stream, typed where fabric8 has a model for the kind. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
                continue;
            }
            objects.add(STRICT.unmarshal(asJson(document)));
        }
        return objects;
    }

    static boolean typed(HasMetadata object) {
        return !(object instanceof GenericKubernetesResource);
    }

    private static String asJson(String yamlDocument) {
        try {
            return new ObjectMapper().writeValueAsString(YAML.readValue(yamlDocument, Map.class));
        } catch (IOException e) {
            throw new IllegalArgumentException("not YAML: " + e.getMessage() + "\n" + yamlDocument, e);
        }
    }

    private static ObjectMapper strictMapper() {
        var mapper = new ObjectMapper();
        mapper.setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
            @Override
            public Boolean hasAnySetter(Annotated annotated) {
                return generic(annotated) ? super.hasAnySetter(annotated) : Boolean.FALSE;
            }

            @Override
            @SuppressWarnings("deprecation")
            public boolean hasAnySetterAnnotation(AnnotatedMethod method) {
                return generic(method) && super.hasAnySetterAnnotation(method);
            }

            /** Kinds fabric8 has no model for (a ServiceMonitor) stay generic: anything goes there. */
            private boolean generic(Annotated annotated) {
                return annotated instanceof AnnotatedMember member
                        && member.getDeclaringClass() == GenericKubernetesResource.class;
            }
        });
        return mapper;
    }
}
