package io.ret.server.platform.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;

/**
 * The status with which the transport itself ended a call (for example a message over the
 * transport's size limit, refused before any RET code saw it). The handler is told only
 * "cancelled"; this tracer keeps the real status in the call's context so the access log
 * records the call as what it was.
 */
final class TransportStatus {

    private static final Context.Key<Holder> KEY = Context.key("ret-transport-status");

    static final ServerStreamTracer.Factory FACTORY = new ServerStreamTracer.Factory() {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
            Holder holder = new Holder();
            return new ServerStreamTracer() {
                @Override
                public Context filterContext(Context context) {
                    return context.withValue(KEY, holder);
                }

                @Override
                public void streamClosed(Status status) {
                    holder.status = status;
                }
            };
        }
    };

    private static final class Holder {
        private volatile Status status;
    }

    /** Held strongly: java.util.logging forgets the filter of a logger nobody references. */
    private static final java.util.logging.Logger NETTY_STREAM =
            java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

    private TransportStatus() {
    }

    /**
     * Netty logs a WARNING with a stack trace for every message it refuses (over its size
     * limit, or undecodable framing): client input, not a server fault, and already in the
     * access log with its status. Those records are dropped; any other is kept.
     */
    static void quietClientFaults() {
        NETTY_STREAM.setFilter(record -> !(record.getThrown() instanceof io.grpc.StatusRuntimeException refused
                && (refused.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED
                || refused.getStatus().getCode() == Status.Code.INTERNAL)
                && "Exception processing message".equals(record.getMessage())));
    }

    /** The transport's status for the current call, or null (not closed yet, or not traced). */
    static Status current() {
        Holder holder = KEY.get();
        return holder == null ? null : holder.status;
    }
}
