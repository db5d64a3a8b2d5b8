package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.ret.server.rag.resilience.ModelUnavailableException;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.VectorStore.EmbeddedChunk;
import io.ret.server.rag.store.milvus.MilvusSettings;
import io.ret.server.rag.store.milvus.MilvusVectorStore;

class MilvusVectorStoreTest extends VectorStoreContract {
    private FakeMilvusServer milvus;

    @Override
    VectorStore openStore() throws Exception {
        milvus = new FakeMilvusServer("v2.6.2");
        return MilvusVectorStore.connect(MilvusSettings.of(milvus.uri()));
    }

    @AfterEach
    void stopServer() {
        milvus.close();
    }

    @Test
    void createsOneCollectionWithTheBm25FunctionAndIndexes() {
        var collection = milvus.collections.get("ret_docs");
        assertThat(collection).isNotNull();
        assertThat(collection.schema.getFunctionsCount()).isEqualTo(1);
        assertThat(collection.hasField("sparse")).isTrue();
        assertThat(milvus.calls("CreateIndex")).isEqualTo(2);
        assertThat(milvus.calls("LoadCollection")).isEqualTo(1);
    }

    @Test
    void olderServersGetDenseOnlyCollections() throws Exception {
        try (var old = new FakeMilvusServer("v2.4.9");
             var store = MilvusVectorStore.connect(MilvusSettings.of(old.uri()))) {
            store.ensureCollection("docs", DIMS);
            store.upsert(List.of(new EmbeddedChunk(chunk("alice", "s1", "a.csv", 1, "SKU-1,open,Oslo"), randomVector())));

            assertThat(old.collections.get("ret_docs").hasField("sparse")).isFalse();
            assertThat(store.supportsKeyword("docs")).isFalse();
            assertThat(store.searchKeyword(ALICE, "SKU-1", 5)).isEmpty();
            assertThat(store.count(ALICE)).isEqualTo(1);
        }
    }

    @Test
    void aDeadServerFailsFast() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var settings = new MilvusSettings("http://127.0.0.1:" + port, Optional.empty(), Optional.empty(), "ret_",
                Duration.ofMillis(500), Duration.ofMillis(500), 1, MilvusSettings.Keyword.AUTO);
        long start = System.nanoTime();
        assertThatThrownBy(() -> MilvusVectorStore.connect(settings)).isInstanceOf(ModelUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void parsesTheVersionForBm25() {
        assertThat(MilvusVectorStore.supportsBm25("v2.5.0")).isTrue();
        assertThat(MilvusVectorStore.supportsBm25("2.6.3")).isTrue();
        assertThat(MilvusVectorStore.supportsBm25("v2.4.15")).isFalse();
        assertThat(MilvusVectorStore.supportsBm25("unknown")).isFalse();
    }
}
