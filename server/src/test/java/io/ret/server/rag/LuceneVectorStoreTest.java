package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.rag.store.LuceneVectorStore;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.VectorStore.EmbeddedChunk;

class LuceneVectorStoreTest extends VectorStoreContract {
    @TempDir
    Path dir;

    @Override
    VectorStore openStore() {
        return LuceneVectorStore.open(dir);
    }

    @Test
    void chunksAndDimensionsSurviveAReopen() {
        float[] v = randomVector();
        store.upsert(List.of(new EmbeddedChunk(chunk("alice", "s1", "a.csv", 1, "ORD-1,open,Oslo"), v)));
        store.close();

        store = LuceneVectorStore.open(dir);
        assertThat(store.count(ALICE)).isEqualTo(1);
        assertThat(store.searchDense(ALICE, v, 1)).hasSize(1);
        store.ensureCollection("docs", DIMS);
    }
}
