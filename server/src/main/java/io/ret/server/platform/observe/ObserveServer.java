package io.ret.server.platform.observe;

import java.util.Map;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.ret.server.platform.config.RetConfig;

/**
 * The HTTP observe port: liveness, readiness, Prometheus metrics, and any
 * extra documents features publish (the JWKS).
 */
public final class ObserveServer implements AutoCloseable {
    private final WebServer server;

    /** @param documents extra GET paths and their JSON bodies */
    public ObserveServer(RetConfig.Observe settings, HealthMonitor health, ServerMetrics metrics,
                         Map<String, Supplier<String>> documents) {
        HttpRouting.Builder routing = HttpRouting.builder()
                .get("/observe/health/live", (req, res) -> res
                        .header(HeaderNames.CONTENT_TYPE, "application/json")
                        .send("{\"status\":\"UP\"}"))
                .get("/observe/health/ready", (req, res) -> {
                    boolean ready = health.ready();
                    StringBuilder body = new StringBuilder("{\"status\":\"").append(ready ? "UP" : "DOWN").append("\",\"checks\":{");
                    String sep = "";
                    for (var check : health.status().entrySet()) {
                        body.append(sep).append('"').append(check.getKey()).append("\":\"")
                                .append(check.getValue() ? "UP" : "DOWN").append('"');
                        sep = ",";
                    }
                    body.append("}}");
                    res.status(ready ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                            .header(HeaderNames.CONTENT_TYPE, "application/json")
                            .send(body.toString());
                })
                .get("/observe/metrics", (req, res) -> res
                        .header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .send(metrics.scrape()));
        documents.forEach((path, body) -> routing.get(path, (req, res) -> res
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(body.get())));
        server = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                .connectionOptions(options -> options.tcpNoDelay(true))
                .shutdownHook(false)
                .featuresDiscoverServices(false)
                .routing(routing)
                .build();
    }

    public int start() {
        server.start();
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
