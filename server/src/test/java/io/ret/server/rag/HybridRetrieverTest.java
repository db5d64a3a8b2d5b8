package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.OnnxEmbeddingModel;
import io.ret.server.rag.retrieve.HybridRetriever;
import io.ret.server.rag.retrieve.Retrieval;
import io.ret.server.rag.retrieve.RetrievalMode;
import io.ret.server.rag.store.LuceneVectorStore;

class HybridRetrieverTest {
    @TempDir
    static Path dir;
    static OnnxEmbeddingModel model;
    static LuceneVectorStore store;
    static HybridRetriever retriever;
    static final Scope ALICE = new Scope("alice", "docs");

    @BeforeAll
    static void index() throws Exception {
        model = OnnxEmbeddingModel.open(dir, 2);
        store = LuceneVectorStore.open(dir.resolve("index"));
        store.ensureCollection("docs", model.dimensions());
        var orders = new StringBuilder("order_id,customer,city,status,amount\n");
        String[] cities = {"Oslo", "Berlin", "Lyon", "Porto", "Turin"};
        String[] statuses = {"shipped", "pending", "cancelled", "delivered"};
        for (int i = 1; i <= 120; i++) {
            orders.append(String.format("ORD-2024-%05d,Customer %d,%s,%s,%d.50%n", i, i, cities[i % 5], statuses[i % 4], 10 * i));
        }
        var indexer = new SessionIndexer(new CsvChunker(300), model, store, 32);
        indexer.indexFile(new ChunkSource("docs", "alice", "s1"), "orders.csv", new StringReader(orders.toString()));
        indexer.indexFile(new ChunkSource("docs", "bob", "b1"), "bob.csv",
                new StringReader("order_id,secret\nORD-2024-00017,bob's secret plan\n"));
        retriever = new HybridRetriever(model, store, HybridRetriever.Settings.defaults());
    }

    @AfterAll
    static void close() {
        store.close();
        model.close();
    }

    @Test
    void hybridFindsTheRowOfAnIdentifierQuestion() {
        Retrieval r = retriever.retrieve(ALICE, "what is the status of order ORD-2024-00017?");

        assertThat(r.nothingRelevant()).isFalse();
        assertThat(r.mode()).isEqualTo(RetrievalMode.HYBRID);
        assertThat(r.chunks()).hasSizeLessThanOrEqualTo(5);
        assertThat(r.chunks().getFirst().chunk().text()).contains("ORD-2024-00017");
        assertThat(r.chunks().getFirst().identifierMatch()).isTrue();
        assertThat(r.chunks()).allSatisfy(c -> assertThat(c.chunk().ownerId()).isEqualTo("alice"));
    }

    @Test
    void hybridKeepsAnExactKeywordMatchThatDenseSearchFindsTooDissimilar() {
        var strict = retriever.settings().with(RetrievalMode.HYBRID, 5, 0.99);

        Retrieval r = retriever.retrieve(ALICE, "Customer 77", strict);

        assertThat(r.nothingRelevant()).isFalse();
        assertThat(r.chunks().getFirst().chunk().text()).contains("Customer 77,");
        assertThat(r.chunks().getFirst().keywordRank()).isPositive();
        assertThat(retriever.retrieve(ALICE, "Customer 77", strict.withMode(RetrievalMode.DENSE)).nothingRelevant()).isTrue();
    }

    @Test
    void hybridResultsCarryTheirRankInEachList() {
        Retrieval r = retriever.retrieve(ALICE, "what is the status of order ORD-2024-00017?");

        assertThat(r.chunks()).allSatisfy(c -> assertThat(c.denseRank() + c.keywordRank()).isPositive());
        assertThat(r.chunks().getFirst().keywordRank()).isPositive();
        assertThat(r.chunks()).anySatisfy(c -> assertThat(c.denseRank()).isPositive());
    }

    @Test
    void anUnrelatedQuestionFindsNothingRelevant() {
        Retrieval r = retriever.retrieve(ALICE, "how do photosynthesis and chlorophyll work in plants?");

        assertThat(r.nothingRelevant()).isTrue();
    }

    @Test
    void denseOnlyAppliesTheSimilarityThreshold() {
        Retrieval r = retriever.retrieve(ALICE, "orders shipped to customers in Berlin", RetrievalMode.DENSE);

        assertThat(r.chunks()).isNotEmpty().allSatisfy(c ->
                assertThat(c.similarity().orElseThrow()).isGreaterThanOrEqualTo(retriever.settings().minSimilarity()));
    }

    @Test
    void anotherOwnersDataIsNeverRetrieved() {
        Retrieval r = retriever.retrieve(ALICE, "bob's secret plan ORD-2024-00017", RetrievalMode.KEYWORD);

        assertThat(r.chunks()).isNotEmpty().noneSatisfy(c -> assertThat(c.chunk().text()).contains("secret"));
        assertThat(retriever.retrieve(new Scope("mallory", "docs"), "ORD-2024-00017").nothingRelevant()).isTrue();
    }
}
