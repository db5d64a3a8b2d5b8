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
 * {@code score = sum 1 / (rrfK + rank)} over three rankings: dense, keyword, and
 * <em>exact matches</em>: the candidates whose data values (the header line does not
 * count) contain the question's identifiers ({@link Terms#identifiers}: "ORD-2024-00017")
 * or the most of its words, so a row that holds exactly what was asked ("Anna Schmidt",
 * "Oslo" and "2019") outranks rows that merely look alike. When a few candidates (at
 * most {@code topK}) stand out as the exact match (they contain a question identifier, or
 * the most question words, at least two, and no other candidate does), they go first
 * whatever the fusion says ({@link #EXACT_BOOST}): fusion must never push an exact match
 * out of the top k, which it did for name lookups. Then cut to {@code topK}.
 *
 * <p>Relevance threshold ({@code minSimilarity}, on the cosine similarity of the dense
 * search). DENSE: each chunk must reach it. HYBRID: the question must be about this
 * data at all: the best dense chunk reaches it, or some chunk holds one of the
 * question's words among its values; then the fused list is used as ranked. KEYWORD:
 * with identifiers in the question only chunks containing one; otherwise every BM25
 * match. A match on the header alone is no evidence: every chunk of a file repeats it.
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

    /** Added to the fused score of an exact match: more than any three reciprocal ranks can sum to. */
    static final double EXACT_BOOST = 1.0;

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
                : store.searchDense(scope, embeddings.embedQuery(question), settings.candidates());
        List<ScoredChunk> keyword = mode == RetrievalMode.DENSE ? List.of()
                : store.searchKeyword(scope, question, settings.candidates());
        Set<String> words = new HashSet<>(Terms.words(question));
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
        for (Candidate c : byId.values()) {
            Set<String> values = valueTerms(c.hit.chunk().text());
            c.identifierMatch = ids.stream().anyMatch(values::contains);
            c.wordsMatched = (int) words.stream().filter(values::contains).count();
        }
        List<Candidate> exact = byId.values().stream().filter(c -> c.wordsMatched > 0)
                .sorted(Comparator.comparing((Candidate c) -> !c.identifierMatch)
                        .thenComparing(c -> -c.wordsMatched)
                        .thenComparingInt(c -> rankOrLast(c.keywordRank))
                        .thenComparingInt(c -> rankOrLast(c.denseRank)))
                .toList();
        for (int i = 0; i < exact.size(); i++) {
            exact.get(i).exactRank = i + 1;
        }
        // the exact match: the few candidates (at most top_k) holding the most of the question's words
        if (!exact.isEmpty()) {
            Candidate top = exact.getFirst();
            List<Candidate> best = exact.stream()
                    .filter(c -> top.identifierMatch ? c.identifierMatch : c.wordsMatched == top.wordsMatched).toList();
            if ((top.identifierMatch || top.wordsMatched >= 2) && best.size() <= settings.topK()) {
                best.forEach(c -> c.exactBest = true);
            }
        }
        boolean aboutThisData = !exact.isEmpty() || byId.values().stream().anyMatch(c -> similar(c, settings));
        List<RetrievedChunk> kept = new ArrayList<>();
        for (Candidate c : byId.values()) {
            boolean relevant = switch (mode) {
                case DENSE -> similar(c, settings);
                case HYBRID -> aboutThisData;
                case KEYWORD -> ids.isEmpty() || c.identifierMatch;
            };
            if (relevant) {
                kept.add(new RetrievedChunk(c.hit.chunk(), score(mode, c, settings), c.similarity, c.identifierMatch,
                        c.denseRank, c.keywordRank));
            }
        }
        kept.sort(Comparator.comparingDouble(RetrievedChunk::score).reversed());
        return new Retrieval(List.copyOf(kept.subList(0, Math.min(settings.topK(), kept.size()))), mode);
    }

    /** The terms of a chunk's data lines (its first line is the CSV header). */
    static Set<String> valueTerms(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? Set.of() : new HashSet<>(Terms.words(text.substring(newline + 1)));
    }

    private static int rankOrLast(int rank) {
        return rank > 0 ? rank : Integer.MAX_VALUE;
    }

    private static boolean similar(Candidate c, Settings settings) {
        return c.similarity.isPresent() && c.similarity.getAsDouble() >= settings.minSimilarity();
    }

    private static double score(RetrievalMode mode, Candidate c, Settings settings) {
        return switch (mode) {
            case DENSE -> c.similarity.orElse(-1);
            case KEYWORD -> c.keywordScore;
            case HYBRID -> (c.exactBest ? EXACT_BOOST : 0)
                    + rrf(c.denseRank, settings) + rrf(c.keywordRank, settings) + rrf(c.exactRank, settings);
        };
    }

    private static double rrf(int rank, Settings settings) {
        return rank > 0 ? 1.0 / (settings.rrfK() + rank) : 0;
    }

    private static final class Candidate {
        final ScoredChunk hit;
        OptionalDouble similarity = OptionalDouble.empty();
        double keywordScore;
        int denseRank;
        int keywordRank;
        int exactRank;
        boolean exactBest;
        int wordsMatched;
        boolean identifierMatch;

        Candidate(ScoredChunk hit) {
            this.hit = hit;
        }
    }
}
