package io.ret.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.ListSessionsRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionServiceGrpc;
import io.ret.api.v1.UploadArchiveRequest;
import io.ret.api.v1.UploadMetadata;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/** An upload that goes quiet is ended after the idle timeout and leaves no partial file. */
class UploadIdleTest {

    @Test
    void anUploadThatSendsNothingForTheIdleTimeoutIsAbortedAndItsPartialFileRemoved() throws Exception {
        try (TestServer server = TestServer.builder().set("ret.sessions.upload.idle", "PT1S").start()) {
            SessionClient user = SessionClient.newUser(server, "idle");
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            StreamObserver<UploadArchiveRequest> upload = TestServer.bearer(SessionServiceGrpc.newStub(server.channel()),
                    user.token()).withDeadlineAfter(60, TimeUnit.SECONDS).uploadArchive(new StreamObserver<>() {
                        @Override
                        public void onNext(Session value) {
                            ended.complete(null);
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.complete(t);
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(null);
                        }
                    });
            upload.onNext(UploadArchiveRequest.newBuilder().setMetadata(UploadMetadata.newBuilder()
                    .setFileName("stalled.zip").setDeclaredSize(1_000_000)).build());
            upload.onNext(UploadArchiveRequest.newBuilder().setChunk(ByteString.copyFrom(new byte[64 * 1024])).build());
            Path uploads = server.config().runtimeDir().resolve("sessions").resolve(".uploads");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (partFiles(uploads) == 0 && !ended.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(partFiles(uploads)).as("the partial file while the upload runs").isEqualTo(1);

            long started = System.nanoTime();
            Throwable error = ended.get(20, TimeUnit.SECONDS);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(error).isInstanceOf(StatusRuntimeException.class);
            StatusRuntimeException e = (StatusRuntimeException) error;
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
            assertThat(RichErrors.reason(e)).isEqualTo("UPLOAD_IDLE");
            assertThat(waitedMs).isGreaterThanOrEqualTo(500).isLessThan(10_000);
            assertThat(partFiles(uploads)).isZero();
            assertThat(user.sessions().listSessions(ListSessionsRequest.getDefaultInstance()).getSessionsCount()).isZero();
        }
    }

    private static long partFiles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".part")).count();
        }
    }
}
