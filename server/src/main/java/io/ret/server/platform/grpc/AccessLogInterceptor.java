package io.ret.server.platform.grpc;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.ret.server.platform.logging.LogFormat;
import io.ret.server.platform.observe.ServerMetrics;
import io.ret.server.platform.security.Principal;

/**
 * Second stage: one JSON line per finished call (method, status, duration,
 * principal, peer, correlation id) and the call meters. It wraps every later
 * stage, so refusals by authentication, limits or policy are logged too.
 */
public final class AccessLogInterceptor implements ServerInterceptor {
    private static final Logger ACCESS = Logger.getLogger(LogFormat.ACCESS_LOGGER);
    private static final JsonFactory JSON = new JsonFactory();

    private final ServerMetrics metrics;

    public AccessLogInterceptor(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        CallInfo info = RequestContext.CALL.get();
        metrics.callStarted();
        AtomicBoolean done = new AtomicBoolean();
        ServerCall.Listener<Q> listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    if (done.compareAndSet(false, true)) {
                        finished(info, status);
                    }
                }
            }
        }, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                // the client went away before the handler closed the call, or the transport ended it
                if (done.compareAndSet(false, true)) {
                    Status transport = TransportStatus.current();
                    finished(info, transport != null && transport.getCode() != Status.Code.CANCELLED
                            ? Status.fromCode(transport.getCode()).withDescription("ended by the transport: "
                                    + transport.getDescription())
                            : Status.CANCELLED.withDescription("cancelled by the client"));
                }
                super.onCancel();
            }
        };
    }

    private void finished(CallInfo info, Status status) {
        long nanos = System.nanoTime() - info.startNanos();
        metrics.callFinished(info.method(), status.getCode().name(), nanos);
        if (ACCESS.isLoggable(java.util.logging.Level.INFO)) {
            ACCESS.info(line(info, status, nanos));
        }
    }

    static String line(CallInfo info, Status status, long nanos) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.now().toString());
            json.writeStringField("log", "access");
            json.writeStringField("method", info.method());
            json.writeStringField("status", status.getCode().name());
            json.writeNumberField("duration_ms", nanos / 1_000_000.0);
            Principal principal = info.principal();
            if (principal != null) {
                json.writeStringField("principal", principal.userId());
                json.writeStringField("username", principal.username());
            }
            json.writeStringField("peer", info.peer());
            json.writeStringField("correlation_id", info.correlationId());
            if (status.getCode() != Status.Code.OK && status.getDescription() != null) {
                json.writeStringField("message", status.getDescription());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write access log line", e);
        }
        return out.toString();
    }
}
