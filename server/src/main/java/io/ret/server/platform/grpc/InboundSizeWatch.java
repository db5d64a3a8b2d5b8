package io.ret.server.platform.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

/**
 * Ends a call while an oversize request message is still arriving, so that it can be answered
 * with details (by {@link RequestGuard}) at any size up to the transport's limit, and costs
 * about {@link GrpcTransport#MAX_MESSAGE_BYTES} of memory whatever size it declares.
 *
 * <p>grpc-java's {@code MessageDeframer} buffers a whole message before anything of the
 * application sees it, and refuses one that declares more than the transport's limit
 * ({@code maxInboundMessageSize}) with a bare RESOURCE_EXHAUSTED of its own, before any
 * interceptor or tracer learns of it. While it buffers a body, though, it reports each batch
 * of bytes to the stream's tracers ({@code inboundWireSize}) on the transport thread. This
 * tracer adds them up per message and, past {@link GrpcTransport#MAX_MESSAGE_BYTES}, runs the
 * call's registered cut once: the call is closed, which stops the deframer and drops the rest.
 * So the Netty transport's limit can be far above ours (see
 * {@link GrpcTransport#TRANSPORT_MAX_MESSAGE_BYTES}).
 *
 * <p>{@link #DEFAULT_CUT} (installed for every service, health and reflection included)
 * registers a plain refusal; {@link RequestGuard}, inside it for RET methods, replaces it with
 * one carrying ErrorInfo and the correlation id, logged and counted.
 */
final class InboundSizeWatch {

    private static final Context.Key<Watch> KEY = Context.key("ret-inbound-size");

    static final ServerStreamTracer.Factory FACTORY = new ServerStreamTracer.Factory() {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            Watch watch = new Watch();
            return new ServerStreamTracer() {
                @Override
                public Context filterContext(Context context) {
                    return context.withValue(KEY, watch);
                }

                @Override
                public void inboundMessage(int seqNo) {
                    watch.messageBytes = 0;
                }

                @Override
                public void inboundWireSize(long bytes) {
                    watch.received(bytes);
                }
            };
        }
    };

    /** For every service: an oversize message ends the call (no details; RET methods replace this cut). */
    static final ServerInterceptor DEFAULT_CUT = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            onOversize(() -> call.close(Status.RESOURCE_EXHAUSTED.withDescription(
                    "the request message is over the limit of " + GrpcTransport.MAX_MESSAGE_BYTES + " bytes"),
                    new Metadata()));
            return next.startCall(call, headers);
        }
    };

    private static final class Watch {
        /** Touched on the transport thread only. */
        private long messageBytes;
        private boolean cut;
        private volatile Runnable onOversize;

        void received(long bytes) {
            messageBytes += bytes;
            if (messageBytes > GrpcTransport.MAX_MESSAGE_BYTES && !cut) {
                Runnable action = onOversize;
                if (action != null) {
                    cut = true;
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        // the call ended meanwhile (closed by its handler): nothing left to cut
                    }
                }
            }
        }
    }

    private InboundSizeWatch() {
    }

    /**
     * What to do, on the transport thread, when the current call's request message grows past
     * the limit; replaces an earlier registration. Must be registered before the call asks for
     * its first message (interceptors run before that). No-op off the Netty transport.
     */
    static void onOversize(Runnable action) {
        Watch watch = KEY.get();
        if (watch != null) {
            watch.onOversize = action;
        }
    }
}
