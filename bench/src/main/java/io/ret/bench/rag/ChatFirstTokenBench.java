package io.ret.bench.rag;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

import io.ret.server.platform.config.Settings.Secret;
import io.ret.server.rag.Chunk;
import io.ret.server.rag.chat.ChatRequest;
import io.ret.server.rag.chat.PromptBuilder;
import io.ret.server.rag.openai.OpenAiChatModel;
import io.ret.server.rag.openai.OpenAiEndpoint;
import io.ret.server.rag.resilience.Resilience;

/**
 * Time to first token through {@link OpenAiChatModel} against a loopback SSE server
 * speaking Azure's chat-completions stream: 250 ms before the first token (the
 * model's prompt processing), then 40 tokens 20 ms apart. The difference between
 * the measured time and 250 ms is what this layer adds.
 * Usage: ChatFirstTokenBench [runs=50]
 */
public final class ChatFirstTokenBench {
    static final long FIRST_TOKEN_DELAY_MS = 250;
    static final long TOKEN_GAP_MS = 20;
    static final int TOKENS = 40;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/openai/deployments/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                sleep(FIRST_TOKEN_DELAY_MS);
                for (int i = 0; i < TOKENS; i++) {
                    if (i > 0) {
                        sleep(TOKEN_GAP_MS);
                    }
                    out.write(("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        var endpoint = new OpenAiEndpoint(OpenAiEndpoint.Flavor.AZURE, "http://127.0.0.1:" + server.getAddress().getPort(),
                new Secret("k"), "2024-10-21", Duration.ofSeconds(2), Duration.ofSeconds(10));
        Chunk chunk = new Chunk("id", "docs", "o", "s", "orders.csv", 1, 5, "order_id,status\n" + "ORD-1,shipped\n".repeat(5));
        var request = new ChatRequest("What is the status of ORD-1?", List.of(chunk, chunk, chunk, chunk, chunk), List.of());
        List<Double> firstToken = new ArrayList<>();
        List<Double> total = new ArrayList<>();
        try (var model = new OpenAiChatModel(endpoint, "gpt", 0.2, 500, new PromptBuilder(), Resilience.Policy.defaults())) {
            for (int i = 0; i < runs + 5; i++) {
                long start = System.nanoTime();
                long[] first = {0};
                model.answer(request, t -> {
                    if (first[0] == 0) {
                        first[0] = System.nanoTime();
                    }
                });
                long end = System.nanoTime();
                if (i >= 5) { // the first calls warm up the JIT and the connection pool
                    firstToken.add((first[0] - start) / 1e6);
                    total.add((end - start) / 1e6);
                }
            }
        } finally {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
        Collections.sort(firstToken);
        Collections.sort(total);
        System.out.printf("time to first token: p50=%.1f ms p99=%.1f ms (server holds the first token %d ms)%n",
                BenchData.percentile(firstToken, 50), BenchData.percentile(firstToken, 99), FIRST_TOKEN_DELAY_MS);
        System.out.printf("whole answer (%d tokens): p50=%.1f ms (server-side minimum %d ms)%n", TOKENS,
                BenchData.percentile(total, 50), FIRST_TOKEN_DELAY_MS + (TOKENS - 1) * TOKEN_GAP_MS);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
