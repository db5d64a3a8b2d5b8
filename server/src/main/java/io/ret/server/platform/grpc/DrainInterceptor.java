package io.ret.server.platform.grpc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.ret.server.platform.error.ApiException;

/**
 * Graceful shutdown, independent of the transport: once draining, new calls
 * are refused with UNAVAILABLE, streams are told to end, and
 * {@link #drain(Duration)} waits for the calls in flight to finish.
 */
public final class DrainInterceptor implements ServerInterceptor {
    private final ShutdownSignal signal;
    private final AtomicInteger active = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean draining;

    public DrainInterceptor(ShutdownSignal signal) {
        this.signal = signal;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (draining) {
            throw ApiException.unavailable("SHUTTING_DOWN", "the server is shutting down; retry", Duration.ofSeconds(1));
        }
        active.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true) && active.decrementAndGet() == 0) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        };
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    try {
                        super.close(status, trailers);
                    } finally {
                        end.run();
                    }
                }
            }, headers);
        } catch (RuntimeException e) {
            end.run();
            throw e;
        }
        // a call ends with onComplete or onCancel; a close by an outer stage (the error mapper) skips our wrapper
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    end.run();
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    end.run();
                }
            }
        };
    }

    public int active() {
        return active.get();
    }

    /** Refuses new calls, ends streams, and waits up to {@code grace} for calls in flight. */
    public boolean drain(Duration grace) {
        draining = true;
        signal.fire();
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (idle) {
            while (active.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    idle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }
}
