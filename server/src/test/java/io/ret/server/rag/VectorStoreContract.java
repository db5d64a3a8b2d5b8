package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ret.server.rag.embed.Vectors;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.VectorStore.EmbeddedChunk;
import io.ret.server.rag.store.VectorStore.ScoredChunk;

/** What every {@link VectorStore} must do; one subclass per implementation. */
abstract class VectorStoreContract {
    static final int DIMS = 16;
    static final Scope ALICE = new Scope("alice", "docs");
    static final Scope BOB = new Scope("bob", "docs");

    VectorStore store;
    private final Random random = new Random(42);

    abstract VectorStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
        store.ensureCollection("docs", DIMS);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    float[] randomVector() {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.normalize(v);
    }

    static Chunk chunk(String owner, String session, String file, long row, String text) {
        return new Chunk(Chunk.idOf("docs", session, file, row, row, 0), "docs", owner, session, file, row, row,
                "order_id,status,city\n" + text);
    }

    @Test
    void upsertedChunksAreSearchableAtOnceAndStillAfterAFlush() {
        float[] v = randomVector();
        store.upsert(List.of(new EmbeddedChunk(chunk("alice", "s1", "a.csv", 3, "ORD-3,open,Oslo"), v)));
        assertThat(store.searchDense(ALICE, v, 1)).extracting(h -> h.chunk().firstRow()).containsExactly(3L);
        assertThat(store.searchKeyword(ALICE, "ORD-3", 1)).hasSize(1);

        store.flush();
        assertThat(store.count(ALICE)).isEqualTo(1);
        assertThat(store.searchDense(ALICE, v, 1)).hasSize(1);
    }

    @Test
    void denseSearchFindsTheNearestChunkWithItsFieldsAndCosine() {
        float[] target = randomVector();
        List<EmbeddedChunk> chunks = new ArrayList<>();
        chunks.add(new EmbeddedChunk(chunk("alice", "s1", "a.csv", 7, "ORD-1,shipped,Oslo"), target));
        for (int i = 0; i < 20; i++) {
            chunks.add(new EmbeddedChunk(chunk("alice", "s1", "a.csv", 100 + i, "ORD-X" + i + ",open,Rome"), randomVector()));
        }
        store.upsert(chunks);

        List<ScoredChunk> hits = store.searchDense(ALICE, target, 3);

        assertThat(hits).hasSize(3);
        ScoredChunk best = hits.getFirst();
        assertThat(best.score()).isCloseTo(1.0f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(best.chunk()).isEqualTo(chunks.getFirst().chunk());
        assertThat(hits.get(1).score()).isLessThan(best.score());
    }

    @Test
    void keywordSearchFindsIdentifiersAsWritten() {
        store.upsert(List.of(
                new EmbeddedChunk(chunk("alice", "s1", "o.csv", 1, "ORD-2024-00017,shipped,Oslo"), randomVector()),
                new EmbeddedChunk(chunk("alice", "s1", "o.csv", 2, "ORD-2024-00018,open,Rome"), randomVector()),
                new EmbeddedChunk(chunk("alice", "s1", "p.csv", 3, "SKU-12345,widget,Lyon"), randomVector())));

        assertThat(store.supportsKeyword("docs")).isTrue();
        List<ScoredChunk> hits = store.searchKeyword(ALICE, "what is the status of order ORD-2024-00017?", 3);
        assertThat(hits).isNotEmpty();
        assertThat(hits.getFirst().chunk().text()).contains("ORD-2024-00017");

        assertThat(store.searchKeyword(ALICE, "sku-12345", 1).getFirst().chunk().file()).isEqualTo("p.csv");
    }

    @Test
    void ownerFilterIsAppliedInsideTheSearch() {
        float[] query = randomVector();
        List<EmbeddedChunk> chunks = new ArrayList<>();
        // bob owns the closest chunks; alice's one is far away, yet must be her only result
        for (int i = 0; i < 30; i++) {
            chunks.add(new EmbeddedChunk(chunk("bob", "b1", "secret.csv", i + 1, "ORD-7,secret,Paris"), query));
        }
        chunks.add(new EmbeddedChunk(chunk("alice", "a1", "mine.csv", 1, "ORD-8,open,Oslo"), randomVector()));
        store.upsert(chunks);

        List<ScoredChunk> dense = store.searchDense(ALICE, query, 5);
        assertThat(dense).extracting(h -> h.chunk().ownerId()).containsOnly("alice");
        assertThat(dense).hasSize(1);
        assertThat(store.searchKeyword(ALICE, "ORD-7 secret Paris", 5)).extracting(h -> h.chunk().ownerId()).containsOnly("alice");
        assertThat(store.searchDense(new Scope("mallory", "docs"), query, 5)).isEmpty();
        assertThat(store.searchKeyword(BOB, "ORD-7", 50)).hasSize(30);
        assertThat(store.count(ALICE)).isEqualTo(1);
        assertThat(store.count(BOB)).isEqualTo(30);
    }

    @Test
    void collectionsAreSeparate() {
        store.ensureCollection("other", DIMS);
        float[] v = randomVector();
        Chunk other = new Chunk(Chunk.idOf("other", "s1", "x.csv", 1, 1, 0), "other", "alice", "s1", "x.csv", 1, 1, "h\nORD-9");
        store.upsert(List.of(new EmbeddedChunk(other, v)));

        assertThat(store.searchDense(ALICE, v, 5)).isEmpty();
        assertThat(store.count(new Scope("alice", "other"))).isEqualTo(1);

        store.dropCollection("other");
        assertThat(store.count(new Scope("alice", "other"))).isZero();
        assertThat(store.searchDense(new Scope("alice", "other"), v, 5)).isEmpty();
    }

    @Test
    void reindexingASessionReplacesItsChunks() {
        List<EmbeddedChunk> first = List.of(
                new EmbeddedChunk(chunk("alice", "s1", "a.csv", 1, "ORD-1,open,Oslo"), randomVector()),
                new EmbeddedChunk(chunk("alice", "s1", "a.csv", 2, "ORD-2,open,Oslo"), randomVector()));
        store.upsert(first);
        store.upsert(first);
        store.upsert(List.of(new EmbeddedChunk(chunk("alice", "s2", "a.csv", 1, "ORD-3,open,Oslo"), randomVector())));
        assertThat(store.count(ALICE)).isEqualTo(3);

        store.deleteSession(ALICE, "s1");
        assertThat(store.count(ALICE)).isEqualTo(1);
        store.deleteSession(BOB, "s2");
        assertThat(store.count(ALICE)).as("bob cannot delete alice's session").isEqualTo(1);

        store.upsert(first);
        assertThat(store.count(ALICE)).isEqualTo(3);
    }

    @Test
    void rejectsWrongDimensions() {
        assertThatThrownBy(() -> store.ensureCollection("docs", DIMS + 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.upsert(List.of(new EmbeddedChunk(chunk("alice", "s1", "a.csv", 1, "x"), new float[3]))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
