package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.Settings;
import io.ret.server.rag.chat.ChatRequest;
import io.ret.server.rag.chat.ChatUsage;
import io.ret.server.rag.chat.Citations;
import io.ret.server.rag.retrieve.Retrieval;

class RagEngineTest {
    @TempDir
    Path runtime;

    static Settings settings(Map<String, String> values) {
        return new Settings(Config.just(ConfigSources.create(values)));
    }

    @Test
    void defaultsNeedNoConfiguration() {
        RagConfig config = RagConfig.from(settings(Map.of()), runtime);

        assertThat(config.store()).isEqualTo(RagConfig.StoreKind.LUCENE);
        assertThat(config.embedding()).isEqualTo(RagConfig.EmbeddingKind.BGE_SMALL);
        assertThat(config.chat()).isEqualTo(RagConfig.ChatKind.EXTRACTIVE);
        assertThat(config.temperature()).isEqualTo(0.2);
        assertThat(config.retrieval().topK()).isEqualTo(5);
        assertThat(config.collectionFor("all-minilm-l6-v2-q")).isEqualTo("chunks_all_minilm_l6_v2_q");
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> RagConfig.from(settings(Map.of("ret.rag.chat.provider", "openai")), runtime))
                .isInstanceOf(ConfigException.class).hasMessage("ret.rag.openai.endpoint: is required");
        assertThatThrownBy(() -> RagConfig.from(settings(Map.of("ret.rag.retrieval.min.similarity", "high")), runtime))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ret.rag.retrieval.min.similarity:");
        assertThatThrownBy(() -> RagConfig.from(settings(Map.of("ret.rag.store", "milvus", "ret.rag.milvus.uri", "milvus:19530")), runtime))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("ret.rag.milvus.uri:");
    }

    @Test
    void indexesRetrievesAndAnswersWithAzureModels() throws Exception {
        try (var azure = new FakeAzureOpenAi(64)) {
            azure.answerTokens = List.of("ORD-2024-00017 ", "is ", "shipped ", "[1].");
            RagConfig config = RagConfig.from(settings(Map.of(
                    "ret.rag.embedding.provider", "openai",
                    "ret.rag.embedding.deployment", "emb",
                    "ret.rag.embedding.dimensions", "64",
                    "ret.rag.chat.provider", "openai",
                    "ret.rag.chat.deployment", "gpt",
                    "ret.rag.openai.endpoint", azure.endpoint(),
                    "ret.rag.openai.api.key", FakeAzureOpenAi.KEY,
                    "ret.rag.openai.api.version", FakeAzureOpenAi.VERSION)), runtime);
            Path out = Files.createDirectories(runtime.resolve("session/out"));
            Files.writeString(out.resolve("orders.csv"), "order_id,status,city\nORD-2024-00016,open,Oslo\nORD-2024-00017,shipped,Lyon\n");

            try (RagEngine rag = RagEngine.open(config, runtime, Optional.empty())) {
                var result = rag.indexer().index(rag.source("alice", "s1"), runtime.resolve("session"), List.of(Path.of("out/orders.csv")));
                rag.indexer().index(rag.source("alice", "s1"), runtime.resolve("session"), List.of(Path.of("out/orders.csv")));
                assertThat(result).as("a chunk a row by default").isEqualTo(new SessionIndexer.Result(1, 2, 2));
                assertThat(rag.store().count(rag.scope("alice"))).isEqualTo(2);

                String question = "What is the status of ORD-2024-00017?";
                Retrieval retrieval = rag.retriever().retrieve(rag.scope("alice"), question);
                assertThat(retrieval.nothingRelevant()).isFalse();
                List<String> tokens = new ArrayList<>();
                ChatUsage usage = rag.chat().answer(new ChatRequest(question, retrieval.context(), List.of()), tokens::add);

                String answer = String.join("", tokens);
                assertThat(Citations.cited(answer, retrieval.chunks().size())).containsExactly(1);
                assertThat(usage.extractive()).isFalse();
                assertThat(rag.retriever().retrieve(rag.scope("bob"), question).nothingRelevant()).isTrue();
            }
        }
    }
}
