package io.ret.server.platform.grpc;

import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Maps whatever the inner stages and the handler throw (or pass to
 * {@code onError}) to a status through {@link ErrorMapper}, so no stack trace
 * or SQL text ever reaches a client.
 */
public final class ErrorInterceptor implements ServerInterceptor {
    private final ErrorMapper mapper;

    public ErrorInterceptor(ErrorMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        GuardedCall<Q, R> guarded = new GuardedCall<>(call, mapper);
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(guarded, headers);
        } catch (RuntimeException e) {
            guarded.fail(e);
            return new ServerCall.Listener<>() {
            };
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                try {
                    super.onMessage(message);
                } catch (RuntimeException e) {
                    guarded.fail(e);
                }
            }

            @Override
            public void onHalfClose() {
                try {
                    super.onHalfClose();
                } catch (RuntimeException e) {
                    guarded.fail(e);
                }
            }

            @Override
            public void onReady() {
                try {
                    super.onReady();
                } catch (RuntimeException e) {
                    guarded.fail(e);
                }
            }
        };
    }

    private static final class GuardedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final ErrorMapper mapper;
        private final AtomicBoolean closed = new AtomicBoolean();

        GuardedCall(ServerCall<Q, R> call, ErrorMapper mapper) {
            super(call);
            this.mapper = mapper;
        }

        void fail(Throwable error) {
            ErrorMapper.Mapped mapped = mapper.map(error);
            close(mapped.status(), mapped.trailers());
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            if (status.getCause() != null && status.getCode() == Status.Code.UNKNOWN) {
                // a handler passed a plain exception to onError
                ErrorMapper.Mapped mapped = mapper.map(status.getCause());
                trailers.merge(mapped.trailers());
                super.close(mapped.status(), trailers);
                return;
            }
            super.close(status, trailers);
        }
    }
}
