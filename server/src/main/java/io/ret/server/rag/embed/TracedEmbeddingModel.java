package io.ret.server.rag.embed;

import java.util.List;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.ret.server.platform.trace.Tracing;

/** A span per call of the embedding model (not per cache hit: it sits beneath the cache). */
public final class TracedEmbeddingModel implements EmbeddingModel {
    private final EmbeddingModel model;

    public TracedEmbeddingModel(EmbeddingModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (!Tracing.on()) {
            return model.embed(texts);
        }
        return Tracing.inSpan("embeddings " + model.name(), SpanKind.CLIENT, Attributes.builder()
                .put("gen_ai.operation.name", "embeddings")
                .put("gen_ai.request.model", model.name())
                .put("ret.embedding.texts", texts.size()).build(), () -> model.embed(texts));
    }

    @Override
    public float[] embedQuery(String query) {
        if (!Tracing.on()) {
            return model.embedQuery(query);
        }
        return Tracing.inSpan("embeddings " + model.name(), SpanKind.CLIENT, Attributes.builder()
                .put("gen_ai.operation.name", "embeddings")
                .put("gen_ai.request.model", model.name())
                .put("ret.embedding.texts", 1).build(), () -> model.embedQuery(query));
    }

    @Override
    public void close() {
        model.close();
    }
}
