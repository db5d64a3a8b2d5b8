package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.platform.embedded.EmbeddedRedis;
import io.ret.server.platform.redis.Redis;
import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.CachedEmbeddingModel;
import io.ret.server.rag.embed.EmbeddingModel;
import io.ret.server.rag.store.LuceneVectorStore;

class CachedEmbeddingModelTest {
    @TempDir
    static Path dir;
    static EmbeddedRedis server;
    static Redis redis;

    @BeforeAll
    static void startRedis() {
        server = EmbeddedRedis.start(dir.resolve("redis"), 0);
        redis = Redis.open(server.url(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        server.close();
    }

    /** Counts the texts it is asked to embed. */
    static final class CountingModel implements EmbeddingModel {
        final AtomicInteger texts = new AtomicInteger();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public int dimensions() {
            return 32;
        }

        @Override
        public List<float[]> embed(List<String> batch) {
            texts.addAndGet(batch.size());
            return batch.stream().map(t -> FakeAzureOpenAi.vectorOf(t, 32)).toList();
        }
    }

    @Test
    void aSecondIndexingOfTheSameTextSendsNothingToTheModel() throws Exception {
        var counting = new CountingModel();
        var cached = new CachedEmbeddingModel(counting, redis.client(), Duration.ofHours(1));
        var csv = new StringBuilder("sku,name,city\n");
        for (int i = 0; i < 200; i++) {
            csv.append("SKU-").append(10000 + i).append(",Item ").append(i).append(",Oslo\n");
        }
        try (var store = LuceneVectorStore.open(dir.resolve("index"))) {
            var indexer = new SessionIndexer(new CsvChunker(), cached, store, 16);
            var source = new ChunkSource("docs", "alice", "s1");
            store.ensureCollection("docs", cached.dimensions());

            long chunks = indexer.indexFile(source, "items.csv", new StringReader(csv.toString()));
            int sentFirst = counting.texts.get();
            assertThat(sentFirst).isEqualTo((int) chunks);
            assertThat(cached.stats()).isEqualTo(new CachedEmbeddingModel.Stats(0, chunks));

            store.deleteSession(source.scope(), "s1");
            indexer.indexFile(source, "items.csv", new StringReader(csv.toString()));
            assertThat(counting.texts.get()).isEqualTo(sentFirst);
            assertThat(cached.stats().hits()).isEqualTo(chunks);
            assertThat(store.count(source.scope())).isEqualTo(chunks);
        }
    }

    @Test
    void cachedVectorsEqualFreshOnesAndDuplicatesInABatchAreSentOnce() {
        var counting = new CountingModel();
        var cached = new CachedEmbeddingModel(counting, redis.client(), Duration.ofHours(1));

        List<float[]> first = cached.embed(List.of("alpha", "beta", "alpha"));
        List<float[]> second = cached.embed(List.of("beta", "alpha"));

        assertThat(counting.texts.get()).isEqualTo(2);
        assertThat(second.get(1)).containsExactly(first.get(0));
        assertThat(first.get(2)).containsExactly(first.get(0));
        assertThat(redis.client().pttl("ret:emb:counting:" + sha256("alpha"))).isPositive();
    }

    @Test
    void aDeadRedisFallsBackToTheModel() {
        var counting = new CountingModel();
        try (var dead = Redis.open("redis://127.0.0.1:1", Duration.ofMillis(200))) {
            var cached = new CachedEmbeddingModel(counting, dead.client(), Duration.ofHours(1));
            assertThat(cached.embed(List.of("x", "y"))).hasSize(2);
            assertThat(counting.texts.get()).isEqualTo(2);
        }
    }

    private static String sha256(String s) throws RuntimeException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
