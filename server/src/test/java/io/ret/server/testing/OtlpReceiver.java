package io.ret.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OTLP/HTTP trace receiver for tests ({@code POST /v1/traces}, protobuf): what a collector
 * would get from another process. It reads the few fields it needs from the wire format
 * (opentelemetry-proto: ExportTraceServiceRequest / ResourceSpans / ScopeSpans / Span) without
 * the generated classes, and answers with an empty (successful) ExportTraceServiceResponse.
 */
public final class OtlpReceiver implements AutoCloseable {
    /** One received span; ids in lower-case hex, as {@code traceparent} writes them. */
    public record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name) {
    }

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

    public OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", this::receive);
        server.start();
    }

    /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            spans.addAll(parse(body.readAllBytes()));
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
        }
    }

    static List<ReceivedSpan> parse(byte[] request) throws InvalidProtocolBufferException {
        List<ReceivedSpan> out = new ArrayList<>();
        for (ByteString resourceSpans : messages(UnknownFieldSet.parseFrom(request), 1)) {
            UnknownFieldSet rs = UnknownFieldSet.parseFrom(resourceSpans);
            String service = serviceName(rs);
            for (ByteString scopeSpans : messages(rs, 2)) {
                for (ByteString span : messages(UnknownFieldSet.parseFrom(scopeSpans), 2)) {
                    UnknownFieldSet s = UnknownFieldSet.parseFrom(span);
                    out.add(new ReceivedSpan(service, hex(s, 1), hex(s, 2), hex(s, 4), text(s, 5)));
                }
            }
        }
        return out;
    }

    /** Resource (1) -> attributes (1) KeyValue {key 1, value 2: AnyValue {string_value 1}}. */
    private static String serviceName(UnknownFieldSet resourceSpans) throws InvalidProtocolBufferException {
        for (ByteString resource : messages(resourceSpans, 1)) {
            for (ByteString keyValue : messages(UnknownFieldSet.parseFrom(resource), 1)) {
                UnknownFieldSet kv = UnknownFieldSet.parseFrom(keyValue);
                if ("service.name".equals(text(kv, 1))) {
                    for (ByteString value : messages(kv, 2)) {
                        return text(UnknownFieldSet.parseFrom(value), 1);
                    }
                }
            }
        }
        return "";
    }

    private static List<ByteString> messages(UnknownFieldSet set, int field) {
        return set.hasField(field) ? set.getField(field).getLengthDelimitedList() : List.of();
    }

    private static String hex(UnknownFieldSet set, int field) {
        List<ByteString> values = messages(set, field);
        return values.isEmpty() ? "" : HexFormat.of().formatHex(values.getFirst().toByteArray());
    }

    private static String text(UnknownFieldSet set, int field) {
        List<ByteString> values = messages(set, field);
        return values.isEmpty() ? "" : values.getFirst().toStringUtf8();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
