package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.ret.server.platform.config.Settings.Secret;
import io.ret.server.rag.chat.ChatRequest;
import io.ret.server.rag.chat.ChatUsage;
import io.ret.server.rag.chat.PromptBuilder;
import io.ret.server.rag.embed.Vectors;
import io.ret.server.rag.openai.OpenAiChatModel;
import io.ret.server.rag.openai.OpenAiEmbeddingModel;
import io.ret.server.rag.openai.OpenAiEndpoint;
import io.ret.server.rag.resilience.CircuitBreaker;
import io.ret.server.rag.resilience.CircuitOpenException;
import io.ret.server.rag.resilience.ModelUnavailableException;
import io.ret.server.rag.resilience.Resilience;

class OpenAiAdapterTest {
    private static final Resilience.Policy FAST = new Resilience.Policy(4, Duration.ofMillis(20), Duration.ofMillis(200),
            Duration.ofSeconds(20), 3, Duration.ofSeconds(60));
    private FakeAzureOpenAi azure;
    private OpenAiEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        azure = new FakeAzureOpenAi(32);
        endpoint = new OpenAiEndpoint(OpenAiEndpoint.Flavor.AZURE, azure.endpoint(), new Secret(FakeAzureOpenAi.KEY),
                FakeAzureOpenAi.VERSION, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        azure.close();
    }

    private OpenAiEmbeddingModel embeddings(Resilience.Policy policy) {
        return new OpenAiEmbeddingModel(endpoint, "emb", 32, false, 16, policy);
    }

    private OpenAiChatModel chat(Resilience.Policy policy) {
        return new OpenAiChatModel(endpoint, "gpt", 0.2, 500, new PromptBuilder(), policy);
    }

    private static ChatRequest question() {
        Chunk c = new Chunk("id1", "docs", "alice", "s1", "orders.csv", 1, 1, "order_id,status\nORD-1,shipped");
        return new ChatRequest("What is the status of ORD-1?", List.of(c), List.of());
    }

    @Test
    void embedsInBatchesThroughAzurePathsInOrder() {
        try (var model = embeddings(FAST)) {
            List<String> texts = IntStream.range(0, 40).mapToObj(i -> "row " + i).toList();
            List<float[]> vectors = model.embed(texts);

            assertThat(vectors).hasSize(40);
            assertThat(Vectors.cosine(vectors.get(7), FakeAzureOpenAi.vectorOf("row 7", 32)))
                    .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(Vectors.dot(vectors.get(3), vectors.get(3))).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(azure.requests.get()).isEqualTo(3);
            assertThat(model.name()).isEqualTo("openai:emb:32");
        }
    }

    @Test
    void waitsForRetryAfterOn429ThenSucceeds() {
        azure.faults.add(new FakeAzureOpenAi.Status(429, "1"));
        try (var model = embeddings(FAST)) {
            long start = System.nanoTime();
            assertThat(model.embed(List.of("a"))).hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
            assertThat(azure.requests.get()).isEqualTo(2);
        }
    }

    @Test
    void retries5xxAndGivesUpAfterTheLimit() {
        azure.faults.add(new FakeAzureOpenAi.Status(500, null));
        azure.faults.add(new FakeAzureOpenAi.Status(503, null));
        try (var model = embeddings(FAST)) {
            assertThat(model.embed(List.of("a"))).hasSize(1);
            assertThat(azure.requests.get()).isEqualTo(3);
        }
        var lenient = new Resilience.Policy(2, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(5), 10, Duration.ofSeconds(1));
        azure.faults.add(new FakeAzureOpenAi.Status(502, null));
        azure.faults.add(new FakeAzureOpenAi.Status(502, null));
        try (var model = embeddings(lenient)) {
            assertThatThrownBy(() -> model.embed(List.of("a"))).isInstanceOf(ModelUnavailableException.class)
                    .hasMessageContaining("failed 2 times");
        }
    }

    @Test
    void aBadRequestIsNotRetried() {
        azure.faults.add(new FakeAzureOpenAi.Status(400, null));
        try (var model = embeddings(FAST)) {
            assertThatThrownBy(() -> model.embed(List.of("a"))).isInstanceOf(com.openai.errors.BadRequestException.class);
            assertThat(azure.requests.get()).isEqualTo(1);
            assertThat(model.resilience().breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void theBreakerOpensAfterConsecutiveFailuresAndStopsCalling() {
        var policy = new Resilience.Policy(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(5), 3, Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            azure.faults.add(new FakeAzureOpenAi.Status(500, null));
        }
        try (var model = embeddings(policy)) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> model.embed(List.of("a"))).isInstanceOf(ModelUnavailableException.class);
            }
            assertThat(model.resilience().breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThatThrownBy(() -> model.embed(List.of("a"))).isInstanceOf(CircuitOpenException.class);
            assertThat(azure.requests.get()).isEqualTo(3);
        }
    }

    @Test
    void streamsTheAnswerWithUsageAndTheConfiguredTemperature() {
        List<String> tokens = new ArrayList<>();
        try (var model = chat(FAST)) {
            ChatUsage usage = model.answer(question(), tokens::add);

            assertThat(String.join("", tokens)).isEqualTo("Order ORD-1 is shipped [1].");
            assertThat(usage).isEqualTo(new ChatUsage("gpt-4o-mini", 120, 6, false));
        }
        var request = azure.chatRequests.getFirst();
        assertThat(request.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(request.get("stream").asBoolean()).isTrue();
        assertThat(request.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(request.get("messages").get(1).get("content").asText()).contains("ORD-1,shipped").contains("Question:");
    }

    @Test
    void retriesOpeningTheStreamOn429() {
        azure.faults.add(new FakeAzureOpenAi.Status(429, "0"));
        List<String> tokens = new ArrayList<>();
        try (var model = chat(FAST)) {
            model.answer(question(), tokens::add);
        }
        assertThat(String.join("", tokens)).isEqualTo("Order ORD-1 is shipped [1].");
        assertThat(azure.requests.get()).isEqualTo(2);
    }

    @Test
    void aMidStreamFailureComesAfterTheTokensAlreadyDelivered() {
        azure.faults.add(new FakeAzureOpenAi.BreakAfter(List.of("Partial ", "answer")));
        List<String> tokens = new ArrayList<>();
        try (var model = chat(FAST)) {
            assertThatThrownBy(() -> model.answer(question(), tokens::add))
                    .isInstanceOf(ModelUnavailableException.class).hasMessageContaining("stream broke");
        }
        assertThat(tokens).containsExactly("Partial ", "answer");
        assertThat(azure.requests.get()).as("not retried mid-stream").isEqualTo(1);
    }
}
