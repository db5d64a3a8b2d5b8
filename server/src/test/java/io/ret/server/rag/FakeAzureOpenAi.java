package io.ret.server.rag;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.ret.server.rag.embed.Vectors;

/**
 * An Azure OpenAI resource on loopback: {@code /openai/deployments/{d}/embeddings} and
 * {@code .../chat/completions} (SSE when {@code stream}), {@code api-version} and
 * {@code api-key} required. Tests queue failures ahead of the normal answers.
 */
final class FakeAzureOpenAi implements AutoCloseable {
    static final String KEY = "test-key";
    static final String VERSION = "2024-10-21";
    private static final ObjectMapper JSON = new ObjectMapper();

    sealed interface Fault {}

    record Status(int code, String retryAfter) implements Fault {}

    /** Streams these tokens, then drops the connection. */
    record BreakAfter(List<String> tokens) implements Fault {}

    final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
    final List<String> embeddedTexts = Collections.synchronizedList(new ArrayList<>());
    final List<JsonNode> chatRequests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger requests = new AtomicInteger();
    /** Scripted replies to (non-streamed) chat requests that offer tools; each is given the request body. */
    final Deque<Function<JsonNode, ObjectNode>> toolTurns = new ConcurrentLinkedDeque<>();
    volatile List<String> answerTokens = List.of("Order ", "ORD-1 ", "is ", "shipped ", "[1]", ".");
    volatile long tokenDelayMillis;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final int dims;

    FakeAzureOpenAi(int dims) throws IOException {
        this.dims = dims;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/openai/deployments/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            handleExchange(ex);
        } catch (IOException e) {
            // closing a deliberately short response fails; the client has seen what it should
        }
    }

    private void handleExchange(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        String query = String.valueOf(ex.getRequestURI().getQuery());
        if (!KEY.equals(ex.getRequestHeaders().getFirst("api-key")) || !query.contains("api-version=" + VERSION)) {
            send(ex, 401, "{\"error\":{\"message\":\"bad key or version\"}}");
            return;
        }
        JsonNode body = JSON.readTree(ex.getRequestBody());
        Fault fault = faults.poll();
        if (fault instanceof Status s) {
            if (s.retryAfter() != null) {
                ex.getResponseHeaders().add("Retry-After", s.retryAfter());
            }
            send(ex, s.code(), "{\"error\":{\"message\":\"injected " + s.code() + "\"}}");
            return;
        }
        if (path.matches("/openai/deployments/[^/]+/embeddings")) {
            embeddings(ex, body);
        } else if (path.matches("/openai/deployments/[^/]+/chat/completions")) {
            chatRequests.add(body);
            Function<JsonNode, ObjectNode> turn = body.has("tools") ? toolTurns.poll() : null;
            if (turn != null) {
                completion(ex, turn.apply(body));
            } else {
                chat(ex, fault instanceof BreakAfter b ? b.tokens() : null);
            }
        } else {
            send(ex, 404, "{}");
        }
    }

    private void embeddings(HttpExchange ex, JsonNode body) throws IOException {
        boolean base64 = "base64".equals(body.path("encoding_format").asText());
        ObjectNode response = JSON.createObjectNode().put("object", "list").put("model", "emb");
        ArrayNode data = response.putArray("data");
        int i = 0;
        for (JsonNode input : body.get("input")) {
            embeddedTexts.add(input.asText());
            float[] v = vectorOf(input.asText(), dims);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i++);
            if (base64) {
                item.put("embedding", Base64.getEncoder().encodeToString(Vectors.toBytes(v)));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : v) {
                    values.add(f);
                }
            }
        }
        response.putObject("usage").put("prompt_tokens", 1).put("total_tokens", 1);
        send(ex, 200, JSON.writeValueAsString(response));
    }

    /** A deterministic unit vector per text (a bag of character trigrams), so equal texts embed equally. */
    static float[] vectorOf(String text, int dims) {
        float[] v = new float[dims];
        String t = text.toLowerCase();
        for (int i = 0; i + 3 <= t.length(); i++) {
            v[Math.floorMod(t.substring(i, i + 3).hashCode(), dims)] += 1;
        }
        v[0] += 0.001f;
        return Vectors.normalize(v);
    }

    private void chat(HttpExchange ex, List<String> breakAfter) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        // a broken stream promises more bytes than it sends, so the client sees the connection end early
        ex.sendResponseHeaders(200, breakAfter != null ? 1 << 20 : 0);
        OutputStream out = ex.getResponseBody();
        List<String> tokens = breakAfter != null ? breakAfter : answerTokens;
        for (String token : tokens) {
            pause();
            ObjectNode chunk = chunk();
            chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", token);
            event(out, JSON.writeValueAsString(chunk));
        }
        if (breakAfter != null) {
            // an abrupt end: no finish_reason, no [DONE], a truncated event, then the connection closes
            out.write("data: {\"id\":".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return;
        }
        ObjectNode last = chunk();
        last.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("delta");
        event(out, JSON.writeValueAsString(last));
        ObjectNode usage = chunk();
        usage.putArray("choices");
        usage.putObject("usage").put("prompt_tokens", 120).put("completion_tokens", tokens.size()).put("total_tokens", 120 + tokens.size());
        event(out, JSON.writeValueAsString(usage));
        event(out, "[DONE]");
    }

    /** An assistant message calling {@code tool} with {@code arguments} (JSON text). */
    static ObjectNode toolCall(String tool, String arguments) {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant").putNull("content");
        message.putArray("tool_calls").addObject().put("id", "call_" + Math.abs(arguments.hashCode())).put("type", "function")
                .putObject("function").put("name", tool).put("arguments", arguments);
        return message;
    }

    static ObjectNode text(String content) {
        return JSON.createObjectNode().put("role", "assistant").put("content", content);
    }

    private void completion(HttpExchange ex, ObjectNode message) throws IOException {
        ObjectNode response = chunk().put("object", "chat.completion");
        response.putArray("choices").addObject().put("index", 0)
                .put("finish_reason", message.has("tool_calls") ? "tool_calls" : "stop").set("message", message);
        response.putObject("usage").put("prompt_tokens", 200).put("completion_tokens", 20).put("total_tokens", 220);
        send(ex, 200, JSON.writeValueAsString(response));
    }

    private void pause() {
        if (tokenDelayMillis > 0) {
            try {
                Thread.sleep(tokenDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ObjectNode chunk() {
        return JSON.createObjectNode().put("id", "c1").put("object", "chat.completion.chunk").put("created", 1)
                .put("model", "gpt-4o-mini");
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
