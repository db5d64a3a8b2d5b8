package io.ret.server.rag.store;

import java.util.List;

import io.ret.server.rag.Chunk;
import io.ret.server.rag.Scope;

/**
 * Chunks with their vectors, searchable by vector similarity and by keywords.
 *
 * <p>Ownership: every read and delete takes a {@link Scope}; implementations apply
 * the owner and collection as a filter inside the kNN / BM25 query itself, so
 * another owner's chunks are never candidates (and never crowd out the caller's top k).
 * Thread-safe.
 */
public interface VectorStore extends AutoCloseable {

    /** Creates the collection if missing; fails if it exists with other dimensions. */
    void ensureCollection(String collection, int dimensions);

    /**
     * Adds or replaces chunks by id. Vectors must have the collection's dimensions. The next
     * search sees them; they are durable after {@link #flush} (or sooner, as the store decides).
     */
    void upsert(List<EmbeddedChunk> chunks);

    /** Makes every write so far durable (a bulk load calls it once at the end). */
    default void flush() {
    }

    /** Removes every chunk of one session of this owner in this collection. */
    void deleteSession(Scope scope, String sessionId);

    /** Nearest chunks by cosine similarity; {@link ScoredChunk#score()} is the cosine, -1..1. */
    List<ScoredChunk> searchDense(Scope scope, float[] query, int k);

    /** Best chunks by BM25 over their text; score is the BM25 score (only comparable within one query). */
    List<ScoredChunk> searchKeyword(Scope scope, String query, int k);

    /** False when this collection has no keyword index (see the implementation); then use dense search only. */
    boolean supportsKeyword(String collection);

    long count(Scope scope);

    /** Drops the collection and every chunk in it, whoever owns them. */
    void dropCollection(String collection);

    @Override
    void close();

    record EmbeddedChunk(Chunk chunk, float[] vector) {}

    record ScoredChunk(Chunk chunk, float score) {}
}
