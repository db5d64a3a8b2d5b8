package io.ret.server.platform.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.observe.ServerMetrics;

/**
 * The edge of every RET method: a request that cannot be parsed, is too large, or breaks a
 * documented bound ({@link RequestBounds}) is refused before any stage after this one sees it.
 *
 * <p>grpc-java parses a request before any interceptor runs, and a parse failure there
 * becomes UNKNOWN "Application error processing RPC" with a SEVERE stack trace. So each
 * method's request marshaller is wrapped ({@link #guard}): a message that fails to parse,
 * or is {@link GrpcTransport#MAX_MESSAGE_BYTES} or more, is handed on as {@code null} with
 * the failure kept for this thread; the interceptor (placed right after the access log, so
 * refusals are logged as what they are) then closes the call with INVALID_ARGUMENT or
 * RESOURCE_EXHAUSTED and google.rpc details, counts it ({@code ret.grpc.requests.refused}),
 * and writes no stack trace and no error-log row: bad input is not a server fault.
 *
 * <p>On the Netty transport an oversize message is refused earlier, while it still arrives
 * ({@link InboundSizeWatch}), with the same answer; a compressed one is inflated no further
 * than the limit.
 */
public final class RequestGuard implements ServerInterceptor {

    /** Why the message just parsed on this thread was replaced by null. */
    private static final ThreadLocal<ApiException> REFUSED = new ThreadLocal<>();

    private final ErrorMapper mapper;
    private final Counter malformed;
    private final Counter tooLarge;
    private final Counter outOfBounds;

    public RequestGuard(ErrorMapper mapper, ServerMetrics metrics) {
        this.mapper = mapper;
        String name = "ret.grpc.requests.refused";
        String description = "requests refused at the edge, by kind";
        this.malformed = metrics.counter(name, description, "kind", "malformed");
        this.tooLarge = metrics.counter(name, description, "kind", "too_large");
        this.outOfBounds = metrics.counter(name, description, "kind", "out_of_bounds");
    }

    /** The service with every request marshaller guarded (descriptors and schema kept, for reflection). */
    public static ServerServiceDefinition guard(ServerServiceDefinition definition) {
        ServiceDescriptor original = definition.getServiceDescriptor();
        ServiceDescriptor.Builder service = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = definition.getMethods().stream()
                .<ServerMethodDefinition<?, ?>>map(RequestGuard::guardMethod).toList();
        methods.forEach(m -> service.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(service.build());
        methods.forEach(guarded::addMethod);
        return guarded.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> guardMethod(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        MethodDescriptor<Q, R> guarded = descriptor.toBuilder()
                .setRequestMarshaller(new GuardedMarshaller<>(descriptor.getRequestMarshaller(),
                        descriptor.getFullMethodName()))
                .build();
        return ServerMethodDefinition.create(guarded, method.getServerCallHandler());
    }

    private record GuardedMarshaller<Q>(MethodDescriptor.Marshaller<Q> delegate, String method)
            implements MethodDescriptor.PrototypeMarshaller<Q> {

        @Override
        public InputStream stream(Q value) {
            return delegate.stream(value);
        }

        @Override
        public Q parse(InputStream stream) {
            REFUSED.remove();
            InputStream message = stream;
            try {
                if (stream instanceof KnownLength) {
                    if (stream.available() > GrpcTransport.MAX_MESSAGE_BYTES) {
                        REFUSED.set(tooLarge("the request message of " + stream.available() + " bytes"));
                        return null;
                    }
                } else {
                    // a compressed message: its size shows only while inflating, so inflate no further than the limit
                    byte[] bytes = stream.readNBytes(GrpcTransport.MAX_MESSAGE_BYTES + 1);
                    if (bytes.length > GrpcTransport.MAX_MESSAGE_BYTES) {
                        REFUSED.set(tooLarge("the inflated request message"));
                        return null;
                    }
                    message = new java.io.ByteArrayInputStream(bytes);
                }
            } catch (IOException e) {
                REFUSED.set(ApiException.invalid("MALFORMED_REQUEST", "request", "cannot be read: " + e.getMessage()));
                return null;
            } catch (StatusRuntimeException e) {
                REFUSED.set(ApiException.invalid("MALFORMED_REQUEST", "request", "cannot be read"
                        + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription())));
                return null;
            }
            try {
                return delegate.parse(message);
            } catch (StatusRuntimeException e) {
                REFUSED.set(ApiException.invalid("MALFORMED_REQUEST", "request",
                        "is not a valid " + messageName() + " message" + detail(e)));
                return null;
            }
        }

        private String messageName() {
            return delegate instanceof MethodDescriptor.PrototypeMarshaller<Q> p && p.getMessagePrototype() instanceof Message m
                    ? m.getDescriptorForType().getFullName() : "request";
        }

        private static String detail(StatusRuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidProtocolBufferException invalid && invalid.getMessage() != null) {
                    String text = invalid.getMessage();
                    return " (" + (text.length() > 120 ? text.substring(0, 120) : text) + ")";
                }
            }
            return "";
        }

        @Override
        public Q getMessagePrototype() {
            return delegate instanceof MethodDescriptor.PrototypeMarshaller<Q> p ? p.getMessagePrototype() : null;
        }

        @Override
        public Class<Q> getMessageClass() {
            return delegate instanceof MethodDescriptor.ReflectableMarshaller<Q> r ? r.getMessageClass() : null;
        }
    }

    /** @param message the message, with its size as far as it is known */
    static ApiException tooLarge(String message) {
        return ApiException.resourceExhausted("MESSAGE_TOO_LARGE", message + " is over the limit of " + GrpcTransport.MAX_MESSAGE_BYTES
                        + " bytes; send data in chunks of at most 1 MiB", null)
                .with(Map.of("limit_bytes", Integer.toString(GrpcTransport.MAX_MESSAGE_BYTES)));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        AtomicBoolean refused = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        // closed once: a handler told of the refusal (as a cancel) may still try to close it
        ServerCall<Q, R> once = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            private final AtomicBoolean closed = new AtomicBoolean();

            @Override
            public void close(Status status, Metadata trailers) {
                if (closed.compareAndSet(false, true)) {
                    super.close(status, trailers);
                }
            }
        };
        // an oversize message still arriving is refused on the transport thread, in this call's context
        Context context = Context.current();
        InboundSizeWatch.onOversize(() -> context.run(() ->
                refuse(refused, once, tooLarge("the request message still arriving"))));
        ServerCall.Listener<Q> delegate = next.startCall(once, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                if (refused.get()) {
                    return;
                }
                ApiException refusal = message == null ? REFUSED.get() : RequestBounds.check(message);
                REFUSED.remove();
                if (message == null && refusal == null) {
                    refusal = ApiException.invalid("MALFORMED_REQUEST", "request", "is empty or unreadable");
                }
                if (refusal == null) {
                    super.onMessage(message);
                    return;
                }
                if (refuse(refused, once, refusal) && ended.compareAndSet(false, true)) {
                    // the later stages and the handler end as on a cancel (an upload drops its partial file)
                    super.onCancel();
                }
            }

            @Override
            public void onHalfClose() {
                if (!refused.get()) {
                    super.onHalfClose();
                }
            }

            @Override
            public void onReady() {
                if (!refused.get()) {
                    super.onReady();
                }
            }

            @Override
            public void onCancel() {
                if (ended.compareAndSet(false, true)) {
                    super.onCancel();
                }
            }

            @Override
            public void onComplete() {
                if (ended.compareAndSet(false, true)) {
                    // a call cut while its message arrived ends, for the handler, as a cancel
                    if (refused.get()) {
                        super.onCancel();
                    } else {
                        super.onComplete();
                    }
                }
            }
        };
    }

    /** Closes the call with the refusal, counted, unless it was refused already; true if this did. */
    private <Q, R> boolean refuse(AtomicBoolean refused, ServerCall<Q, R> call, ApiException refusal) {
        if (!refused.compareAndSet(false, true)) {
            return false;
        }
        (refusal.reason().equals("MESSAGE_TOO_LARGE") ? tooLarge
                : refusal.reason().equals("MALFORMED_REQUEST") ? malformed : outOfBounds).increment();
        ErrorMapper.Mapped mapped = mapper.map(refusal);
        call.close(mapped.status(), mapped.trailers());
        return true;
    }
}
