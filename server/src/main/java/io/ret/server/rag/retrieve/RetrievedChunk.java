package io.ret.server.rag.retrieve;

import java.util.OptionalDouble;

import io.ret.server.rag.Chunk;

/**
 * @param score      what the list is ordered by: the fused reciprocal-rank score in
 *                   HYBRID mode, the cosine in DENSE, the BM25 score in KEYWORD
 * @param similarity cosine similarity to the question, when dense search found the chunk
 * @param identifierMatch the chunk contains an identifier from the question verbatim
 */
public record RetrievedChunk(Chunk chunk, double score, OptionalDouble similarity, boolean identifierMatch) {}
