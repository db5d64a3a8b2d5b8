package io.ret.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionServiceGrpc;
import io.ret.api.v1.UploadArchiveRequest;
import io.ret.api.v1.UploadMetadata;
import io.ret.server.platform.console.ProgressLine;

/**
 * Streams an archive to UploadArchive in 512 KiB chunks, sending only while the transport is
 * ready (flow control), so the progress line shows bytes actually handed to the network.
 */
final class Uploader {
    static final int CHUNK = 512 * 1024;

    private Uploader() {
    }

    static Session upload(RetClient client, Path archive, String description, ProgressLine progress)
            throws IOException, InterruptedException {
        long size = Files.size(archive);
        progress.total(size);
        CompletableFuture<Session> result = new CompletableFuture<>();
        Object ready = new Object();
        var holder = new Object() {
            ClientCallStreamObserver<UploadArchiveRequest> requests;
        };
        client.stream(SessionServiceGrpc::newStub).uploadArchive(
                new ClientResponseObserver<UploadArchiveRequest, Session>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<UploadArchiveRequest> requestStream) {
                        holder.requests = requestStream;
                        requestStream.setOnReadyHandler(() -> {
                            synchronized (ready) {
                                ready.notifyAll();
                            }
                        });
                    }

                    @Override
                    public void onNext(Session session) {
                        result.complete(session);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                        synchronized (ready) {
                            ready.notifyAll();
                        }
                    }

                    @Override
                    public void onCompleted() {
                        result.complete(null);
                    }
                });
        var requests = holder.requests;
        requests.onNext(UploadArchiveRequest.newBuilder().setMetadata(UploadMetadata.newBuilder()
                .setFileName(archive.getFileName().toString()).setDeclaredSize(size)
                .setDescription(description == null ? "" : description)).build());
        try (InputStream in = Files.newInputStream(archive)) {
            byte[] buffer = new byte[CHUNK];
            int n;
            while (!result.isDone() && (n = in.readNBytes(buffer, 0, CHUNK)) > 0) {
                synchronized (ready) {
                    while (!requests.isReady() && !result.isDone()) {
                        ready.wait(1000);
                    }
                }
                if (result.isDone()) {
                    break; // the server answered early: it refused the upload
                }
                requests.onNext(UploadArchiveRequest.newBuilder().setChunk(ByteString.copyFrom(buffer, 0, n)).build());
                progress.advance(n);
            }
        } catch (IOException e) {
            requests.cancel("cannot read the archive", e);
            throw e;
        }
        if (!result.isDone()) {
            requests.onCompleted();
        }
        try {
            Session session = result.get();
            progress.finish();
            if (session == null) {
                throw Status.INTERNAL.withDescription("the server ended the upload without a session").asRuntimeException();
            }
            return session;
        } catch (ExecutionException e) {
            progress.finish();
            throw e.getCause() instanceof StatusRuntimeException s ? s : Status.fromThrowable(e.getCause()).asRuntimeException();
        }
    }
}
