package io.ret.server.platform.grpc;

import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.ret.server.platform.trace.Tracing;

/**
 * A server span per call, named by the full method, after the call context is known (so it
 * carries the correlation id) and before everything else (so authentication, rate limits and
 * the service's own work are inside it). A caller's W3C {@code traceparent} header makes it a
 * child of the caller's span. The span is current in every callback of the call, so the
 * database, Redis and model spans of the work nest under it. Off: the call passes untouched.
 */
public final class TracingInterceptor implements ServerInterceptor {
    public static final String CORRELATION_ID_ATTRIBUTE = "ret.correlation_id";
    private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (!Tracing.on()) {
            return next.startCall(call, headers);
        }
        var method = call.getMethodDescriptor();
        String service = method.getServiceName();
        String name = method.getBareMethodName();
        Span span = Tracing.tracer().spanBuilder(method.getFullMethodName())
                .setParent(Tracing.parentFrom(headers.get(TRACEPARENT)))
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("rpc.system", "grpc")
                .setAttribute("rpc.service", service == null ? "" : service)
                .setAttribute("rpc.method", name == null ? "" : name)
                .setAttribute(CORRELATION_ID_ATTRIBUTE, RequestContext.correlationIdOrDash())
                .startSpan();
        Context context = Context.current().with(span);
        AtomicBoolean ended = new AtomicBoolean();
        ServerCall<Q, R> traced = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (ended.compareAndSet(false, true)) {
                    span.setAttribute("rpc.grpc.status_code", status.getCode().value());
                    if (!status.isOk()) {
                        span.setStatus(StatusCode.ERROR, status.getCode().name());
                    }
                    span.end();
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        try (Scope ignored = context.makeCurrent()) {
            listener = next.startCall(traced, headers);
        } catch (RuntimeException e) {
            if (ended.compareAndSet(false, true)) {
                Tracing.failed(span, e);
                span.end();
            }
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                try (Scope ignored = context.makeCurrent()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onReady();
                }
            }

            @Override
            public void onCancel() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onCancel();
                } finally {
                    if (ended.compareAndSet(false, true)) {
                        span.setAttribute("rpc.grpc.status_code", Status.Code.CANCELLED.value());
                        span.setStatus(StatusCode.ERROR, "CANCELLED");
                        span.end();
                    }
                }
            }

            @Override
            public void onComplete() {
                try (Scope ignored = context.makeCurrent()) {
                    super.onComplete();
                }
            }
        };
    }
}
