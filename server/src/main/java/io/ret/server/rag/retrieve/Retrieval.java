package io.ret.server.rag.retrieve;

import java.util.List;

import io.ret.server.rag.Chunk;

/**
 * The context for one question, best first, at most top_k.
 * {@link #nothingRelevant()}: no chunk cleared the threshold; answer "nothing relevant"
 * without calling the chat model.
 */
public record Retrieval(List<RetrievedChunk> chunks, RetrievalMode mode) {

    public boolean nothingRelevant() {
        return chunks.isEmpty();
    }

    public List<Chunk> context() {
        return chunks.stream().map(RetrievedChunk::chunk).toList();
    }
}
