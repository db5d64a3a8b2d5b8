package io.ret.server.rag.store;

import java.util.List;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.ret.server.platform.trace.Tracing;
import io.ret.server.rag.Scope;

/** A client span per vector store operation, named by it, with the store (milvus or lucene) and collection. */
public final class TracedVectorStore implements VectorStore {
    private final VectorStore store;
    private final String system;

    /** @param system "milvus" or "lucene" */
    public TracedVectorStore(VectorStore store, String system) {
        this.store = store;
        this.system = system;
    }

    private <T> T traced(String operation, String collection, Tracing.Work<T, RuntimeException> work) {
        if (!Tracing.on()) {
            return work.run();
        }
        return Tracing.inSpan(operation + " " + system, SpanKind.CLIENT, Attributes.builder()
                .put("db.system.name", system)
                .put("db.operation.name", operation)
                .put("db.collection.name", collection == null ? "" : collection).build(), work);
    }

    @Override
    public void ensureCollection(String collection, int dimensions) {
        traced("ensureCollection", collection, () -> {
            store.ensureCollection(collection, dimensions);
            return null;
        });
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        traced("upsert", chunks.isEmpty() ? null : chunks.getFirst().chunk().collection(), () -> {
            store.upsert(chunks);
            return null;
        });
    }

    @Override
    public void flush() {
        traced("flush", null, () -> {
            store.flush();
            return null;
        });
    }

    @Override
    public void deleteSession(Scope scope, String sessionId) {
        traced("deleteSession", scope.collection(), () -> {
            store.deleteSession(scope, sessionId);
            return null;
        });
    }

    @Override
    public List<ScoredChunk> searchDense(Scope scope, float[] query, int k) {
        return traced("searchDense", scope.collection(), () -> store.searchDense(scope, query, k));
    }

    @Override
    public List<ScoredChunk> searchKeyword(Scope scope, String query, int k) {
        return traced("searchKeyword", scope.collection(), () -> store.searchKeyword(scope, query, k));
    }

    @Override
    public boolean supportsKeyword(String collection) {
        return store.supportsKeyword(collection);
    }

    @Override
    public long count(Scope scope) {
        return traced("count", scope.collection(), () -> store.count(scope));
    }

    @Override
    public void dropCollection(String collection) {
        traced("dropCollection", collection, () -> {
            store.dropCollection(collection);
            return null;
        });
    }

    @Override
    public void close() {
        store.close();
    }
}
