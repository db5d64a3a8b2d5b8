package io.ret.server.rag.retrieve;

import java.util.OptionalDouble;

import io.ret.server.rag.Chunk;

/**
 * @param score           what the list is ordered by: the fused reciprocal-rank score in
 *                        HYBRID mode, the cosine in DENSE, the BM25 score in KEYWORD
 * @param similarity      cosine similarity to the question, when dense search found the chunk
 * @param identifierMatch the chunk contains an identifier from the question verbatim
 * @param denseRank       1-based rank in the dense list, 0 when dense search did not return it
 * @param keywordRank     1-based rank in the keyword (BM25) list, 0 when absent from it
 */
public record RetrievedChunk(Chunk chunk, double score, OptionalDouble similarity, boolean identifierMatch,
                             int denseRank, int keywordRank) {
}
