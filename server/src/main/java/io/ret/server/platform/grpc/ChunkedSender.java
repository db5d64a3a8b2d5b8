package io.ret.server.platform.grpc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.DataChunk;

/**
 * Streams bytes to a client as DataChunk messages of up to 1 MiB, honouring
 * flow control: the producer blocks while the client is not ready, so a slow
 * client never makes the server buffer a whole file. The producer runs on its
 * own virtual thread, because the call's callbacks (readiness, cancellation)
 * cannot arrive while the handler itself is blocked.
 */
public final class ChunkedSender extends OutputStream {
    public static final int CHUNK_BYTES = 1024 * 1024;

    @FunctionalInterface
    public interface Producer {
        void writeTo(OutputStream out) throws IOException;
    }

    private final ServerCallStreamObserver<DataChunk> call;
    private final long totalBytes;
    private final byte[] buffer = new byte[CHUNK_BYTES];
    private final Object readiness = new Object();
    private int filled;
    private long offset;
    private volatile boolean cancelled;

    private ChunkedSender(ServerCallStreamObserver<DataChunk> call, long totalBytes) {
        this.call = call;
        this.totalBytes = totalBytes;
    }

    /**
     * Starts streaming what {@code producer} writes; returns at once.
     *
     * @param totalBytes size of the whole stream when known, else 0
     */
    public static void stream(StreamObserver<DataChunk> response, long totalBytes, Producer producer) {
        var call = (ServerCallStreamObserver<DataChunk>) response;
        ChunkedSender sender = new ChunkedSender(call, totalBytes);
        call.setOnReadyHandler(sender::signal);
        call.setOnCancelHandler(() -> {
            sender.cancelled = true;
            sender.signal();
        });
        Thread.ofVirtual().name("chunked-sender").start(Context.current().wrap(() -> {
            try {
                producer.writeTo(sender);
                sender.flushChunk();
                if (!sender.cancelled) {
                    call.onCompleted();
                }
            } catch (IOException | RuntimeException e) {
                if (!sender.cancelled) {
                    call.onError(e);
                }
            }
        }));
    }

    private void signal() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == buffer.length) {
            flushChunk();
        }
        buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] data, int from, int length) throws IOException {
        while (length > 0) {
            if (filled == buffer.length) {
                flushChunk();
            }
            int n = Math.min(length, buffer.length - filled);
            System.arraycopy(data, from, buffer, filled, n);
            filled += n;
            from += n;
            length -= n;
        }
    }

    private void flushChunk() throws IOException {
        if (filled == 0) {
            return;
        }
        synchronized (readiness) {
            while (!call.isReady() && !cancelled) {
                try {
                    readiness.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while streaming");
                }
            }
        }
        if (cancelled) {
            throw new IOException("the client cancelled the download");
        }
        call.onNext(DataChunk.newBuilder()
                .setData(ByteString.copyFrom(buffer, 0, filled))
                .setOffset(offset)
                .setTotalBytes(totalBytes)
                .build());
        offset += filled;
        filled = 0;
    }
}
