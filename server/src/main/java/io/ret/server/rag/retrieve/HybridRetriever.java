package io.ret.server.rag.retrieve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import io.ret.server.rag.Scope;
import io.ret.server.rag.Terms;
import io.ret.server.rag.embed.EmbeddingModel;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.VectorStore.ScoredChunk;

/**
 * Finds the context for a question: dense (embedding) search and keyword (BM25)
 * search, each for {@code candidates} chunks, fused by reciprocal rank,
 * {@code score = sum 1 / (rrfK + rank)} over three rankings: dense, keyword, and the
 * keyword hits that contain an identifier of the question verbatim
 * ({@link Terms#identifiers}: "ORD-2024-00017", "SKU-48213"), so an exact id match
 * outranks chunks that merely look alike. Then cut to {@code topK}.
 *
 * <p>Relevance threshold ({@code minSimilarity}, on the cosine similarity of the dense
 * search). DENSE: each chunk must reach it. HYBRID: the question must be about this
 * data at all: the best dense chunk reaches it, or some chunk contains one of the
 * question's identifiers; then the fused list is used as ranked (keyword hits have no
 * cosine to test). KEYWORD: with identifiers in the question only chunks containing
 * one; otherwise every BM25 match. A BM25 match alone never counts as relevance:
 * every chunk repeats its CSV header, so "status" matches everywhere.
 * Nothing left means {@link Retrieval#nothingRelevant()}.
 */
public final class HybridRetriever {

    public record Settings(RetrievalMode mode, int topK, double minSimilarity, int rrfK, int candidates) {
        public Settings {
            if (topK < 1 || candidates < topK) {
                throw new IllegalArgumentException("need 1 <= topK <= candidates");
            }
        }

        public static Settings defaults() {
            return new Settings(RetrievalMode.HYBRID, 5, 0.3, 60, 20);
        }

        public Settings withMode(RetrievalMode m) {
            return new Settings(m, topK, minSimilarity, rrfK, candidates);
        }

        /** These settings with a caller's top_k and threshold (candidates grow to at least top_k). */
        public Settings with(RetrievalMode m, int k, double min) {
            return new Settings(m, k, min, rrfK, Math.max(candidates, k));
        }
    }

    private final EmbeddingModel embeddings;
    private final VectorStore store;
    private final Settings settings;

    public HybridRetriever(EmbeddingModel embeddings, VectorStore store, Settings settings) {
        this.embeddings = embeddings;
        this.store = store;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public Retrieval retrieve(Scope scope, String question) {
        return retrieve(scope, question, settings.mode());
    }

    public Retrieval retrieve(Scope scope, String question, RetrievalMode requested) {
        return retrieve(scope, question, settings.withMode(requested));
    }

    /** Retrieval with per-request settings (top_k, minimum similarity, mode). */
    public Retrieval retrieve(Scope scope, String question, Settings settings) {
        RetrievalMode requested = settings.mode();
        RetrievalMode mode = requested != RetrievalMode.DENSE && !store.supportsKeyword(scope.collection())
                ? RetrievalMode.DENSE : requested;
        List<ScoredChunk> dense = mode == RetrievalMode.KEYWORD ? List.of()
                : store.searchDense(scope, embeddings.embed(question), settings.candidates());
        List<ScoredChunk> keyword = mode == RetrievalMode.DENSE ? List.of()
                : store.searchKeyword(scope, question, settings.candidates());
        List<String> ids = Terms.identifiers(question);

        Map<String, Candidate> byId = new LinkedHashMap<>();
        for (int rank = 0; rank < dense.size(); rank++) {
            ScoredChunk hit = dense.get(rank);
            Candidate c = byId.computeIfAbsent(hit.chunk().id(), x -> new Candidate(hit));
            c.similarity = OptionalDouble.of(hit.score());
            c.denseRank = rank + 1;
        }
        for (int rank = 0; rank < keyword.size(); rank++) {
            ScoredChunk hit = keyword.get(rank);
            Candidate c = byId.computeIfAbsent(hit.chunk().id(), x -> new Candidate(hit));
            c.keywordScore = hit.score();
            c.keywordRank = rank + 1;
        }
        int idRank = 0;
        for (Candidate c : byId.values()) {
            c.identifierMatch = containsAny(c.hit.chunk().text(), ids);
            if (c.identifierMatch && c.keywordRank > 0) {
                c.identifierRank = ++idRank;
            }
        }
        boolean aboutThisData = byId.values().stream().anyMatch(c -> c.identifierMatch || similar(c, settings));
        List<RetrievedChunk> kept = new ArrayList<>();
        for (Candidate c : byId.values()) {
            boolean relevant = switch (mode) {
                case DENSE -> similar(c, settings);
                case HYBRID -> aboutThisData;
                case KEYWORD -> ids.isEmpty() || c.identifierMatch;
            };
            if (relevant) {
                kept.add(new RetrievedChunk(c.hit.chunk(), score(mode, c, settings), c.similarity, c.identifierMatch));
            }
        }
        kept.sort(Comparator.comparingDouble(RetrievedChunk::score).reversed());
        return new Retrieval(List.copyOf(kept.subList(0, Math.min(settings.topK(), kept.size()))), mode);
    }

    private static boolean similar(Candidate c, Settings settings) {
        return c.similarity.isPresent() && c.similarity.getAsDouble() >= settings.minSimilarity();
    }

    private static double score(RetrievalMode mode, Candidate c, Settings settings) {
        return switch (mode) {
            case DENSE -> c.similarity.orElse(-1);
            case KEYWORD -> c.keywordScore;
            case HYBRID -> rrf(c.denseRank, settings) + rrf(c.keywordRank, settings) + rrf(c.identifierRank, settings);
        };
    }

    private static double rrf(int rank, Settings settings) {
        return rank > 0 ? 1.0 / (settings.rrfK() + rank) : 0;
    }

    private static boolean containsAny(String text, List<String> ids) {
        if (ids.isEmpty()) {
            return false;
        }
        Set<String> words = new HashSet<>(Terms.words(text));
        return ids.stream().anyMatch(words::contains);
    }

    private static final class Candidate {
        final ScoredChunk hit;
        OptionalDouble similarity = OptionalDouble.empty();
        double keywordScore;
        int denseRank;
        int keywordRank;
        int identifierRank;
        boolean identifierMatch;

        Candidate(ScoredChunk hit) {
            this.hit = hit;
        }
    }
}
