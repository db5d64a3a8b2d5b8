package io.ret.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.ConversionServiceGrpc;
import io.ret.api.v1.DataChunk;
import io.ret.api.v1.DownloadOutputRequest;
import io.ret.api.v1.DownloadOutputsRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobServiceGrpc;
import io.ret.api.v1.JobState;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionServiceGrpc;
import io.ret.api.v1.StartConversionRequest;
import io.ret.api.v1.UploadArchiveRequest;
import io.ret.api.v1.UploadMetadata;
import io.ret.api.v1.WatchJobRequest;
import io.ret.server.session.archive.ZipBytes;

/** A signed-in user's view of sessions, conversions and jobs, over the real channel. */
public final class SessionClient {
    private final Channel channel;
    private final String token;

    /** @param channel every call on it must carry a deadline (the stubs here set their own where they stream) */
    public SessionClient(Channel channel, String token) {
        this.channel = channel;
        this.token = token;
    }

    public SessionClient(TestServer server, String token) {
        this(server.channel(), token);
    }

    /** Signs in a new user. */
    public static SessionClient newUser(TestServer server, String prefix) {
        var user = server.newUser(prefix);
        return new SessionClient(server, server.login(user.getUsername(), TestServer.PASSWORD).getAccessToken());
    }

    public String token() {
        return token;
    }

    public SessionServiceGrpc.SessionServiceBlockingStub sessions() {
        return TestServer.bearer(SessionServiceGrpc.newBlockingStub(channel), token).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public JobServiceGrpc.JobServiceBlockingStub jobs() {
        return TestServer.bearer(JobServiceGrpc.newBlockingStub(channel), token).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public ConversionServiceGrpc.ConversionServiceBlockingStub conversions() {
        return TestServer.bearer(ConversionServiceGrpc.newBlockingStub(channel), token).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public Session upload(String fileName, byte[] archive) {
        return upload(fileName, archive, archive.length, 256 * 1024);
    }

    /** Streams the archive in chunks; throws the call's StatusRuntimeException if it fails. */
    public Session upload(String fileName, byte[] archive, long declaredSize, int chunkSize) {
        List<UploadArchiveRequest> messages = new ArrayList<>();
        messages.add(UploadArchiveRequest.newBuilder().setMetadata(UploadMetadata.newBuilder()
                .setFileName(fileName).setDeclaredSize(declaredSize)).build());
        for (int at = 0; at < archive.length; at += chunkSize) {
            messages.add(UploadArchiveRequest.newBuilder()
                    .setChunk(ByteString.copyFrom(archive, at, Math.min(chunkSize, archive.length - at))).build());
        }
        return send(messages);
    }

    public Session send(List<UploadArchiveRequest> messages) {
        CompletableFuture<Session> result = new CompletableFuture<>();
        StreamObserver<UploadArchiveRequest> requests = TestServer.bearer(SessionServiceGrpc.newStub(channel), token)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .uploadArchive(new StreamObserver<>() {
                    @Override
                    public void onNext(Session value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.complete(null);
                    }
                });
        for (UploadArchiveRequest message : messages) {
            if (result.isDone()) {
                break;
            }
            requests.onNext(message);
        }
        requests.onCompleted();
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Job startConversion(String sessionId, ConversionOptions options) {
        return conversions().startConversion(StartConversionRequest.newBuilder()
                .setSessionId(sessionId).setOptions(options).build());
    }

    /**
     * Uploads {@code files} (entry name to XML, in order) as one ZIP archive and converts it with
     * {@code options}; fails unless the conversion succeeds.
     */
    public Session uploadConverted(String archiveName, Map<String, String> files, ConversionOptions options) {
        Session session;
        try {
            session = upload(archiveName, ZipBytes.zip(new LinkedHashMap<>(files)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Job done = await(startConversion(session.getId(), options).getId());
        if (done.getState() != JobState.JOB_STATE_SUCCEEDED) {
            throw new AssertionError("conversion " + done.getState() + ": " + done.getError());
        }
        return session;
    }

    /** Every state WatchJob sends until the job ends. */
    public List<Job> watch(String jobId) {
        List<Job> seen = new ArrayList<>();
        Iterator<Job> stream = jobs().withDeadlineAfter(120, TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build());
        stream.forEachRemaining(seen::add);
        return seen;
    }

    /** The job's final state. */
    public Job await(String jobId) {
        List<Job> seen = watch(jobId);
        return seen.getLast();
    }

    public byte[] download(String sessionId, String path) {
        return collect(sessions().withDeadlineAfter(60, TimeUnit.SECONDS).downloadOutput(DownloadOutputRequest.newBuilder()
                .setSessionId(sessionId).setPath(path).build()));
    }

    public byte[] downloadAll(String sessionId) {
        return collect(sessions().withDeadlineAfter(60, TimeUnit.SECONDS).downloadOutputs(DownloadOutputsRequest.newBuilder()
                .setSessionId(sessionId).build()));
    }

    private static byte[] collect(Iterator<DataChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEachRemaining(chunk -> {
            if (chunk.getOffset() != out.size()) {
                throw new AssertionError("chunk at offset " + chunk.getOffset() + " after " + out.size() + " bytes");
            }
            out.writeBytes(chunk.getData().toByteArray());
        });
        return out.toByteArray();
    }
}
