package io.ret.operator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The operator's HTTP port: {@code /healthz} and {@code /readyz} for the kubelet's probes (200 when
 * healthy, 503 when not) and {@code /metrics} for Prometheus.
 */
final class HealthEndpoints implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    HealthEndpoints(int port, BooleanSupplier healthy, Supplier<String> metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/healthz", exchange -> health(exchange, healthy.getAsBoolean()));
        server.createContext("/readyz", exchange -> health(exchange, healthy.getAsBoolean()));
        server.createContext("/metrics", exchange -> answer(exchange, 200, PROMETHEUS_TEXT, metrics.get()));
        server.start();
    }

    /** The port it listens on (the one asked for, or the one chosen for port 0). */
    int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, boolean ok) throws IOException {
        answer(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ready\n");
    }

    private static void answer(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
