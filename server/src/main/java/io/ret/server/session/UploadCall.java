package io.ret.server.session;

import static io.ret.server.platform.grpc.Unary.reply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.stub.StreamObserver;
import io.ret.api.v1.Session;
import io.ret.api.v1.UploadArchiveRequest;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.security.Principal;

/**
 * The server side of one UploadArchive stream: metadata first, then chunks.
 * A client that sends nothing for the idle timeout is cut off (ABORTED,
 * UPLOAD_IDLE) and what it sent is removed, so a stalled upload holds neither
 * a file nor a call for long. Messages and the idle check run on different
 * threads, hence the lock.
 */
final class UploadCall implements StreamObserver<UploadArchiveRequest> {
    private final Sessions sessions;
    private final Principal owner;
    private final StreamObserver<Session> response;
    private final Duration idleTimeout;
    private final ScheduledFuture<?> idleCheck;
    private Upload upload;
    private boolean ended;
    private long lastMessage = System.nanoTime();

    UploadCall(Sessions sessions, Principal owner, StreamObserver<Session> response, Duration idleTimeout,
               ScheduledExecutorService timers) {
        this.sessions = sessions;
        this.owner = owner;
        this.response = response;
        this.idleTimeout = idleTimeout;
        long every = Math.max(50, idleTimeout.toMillis() / 4);
        this.idleCheck = timers.scheduleWithFixedDelay(this::checkIdle, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void onNext(UploadArchiveRequest part) {
        if (ended) {
            return;
        }
        lastMessage = System.nanoTime();
        try {
            switch (part.getPartCase()) {
                case METADATA -> {
                    if (upload != null) {
                        throw ApiException.invalid("metadata", "comes once, in the first message");
                    }
                    var m = part.getMetadata();
                    upload = sessions.beginUpload(owner, m.getFileName(), m.getDeclaredSize(), m.getDescription());
                }
                case CHUNK -> {
                    if (upload == null) {
                        throw ApiException.invalid("metadata", "must come first, before any chunk");
                    }
                    upload.write(part.getChunk().toByteArray(), part.getChunk().size());
                }
                default -> throw ApiException.invalid("part", "each message carries metadata or a chunk");
            }
        } catch (RuntimeException e) {
            end();
            throw e;
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        end();
    }

    @Override
    public synchronized void onCompleted() {
        if (ended) {
            return;
        }
        try {
            if (upload == null) {
                throw ApiException.invalid("metadata", "the upload carried no metadata");
            }
            SessionRecord session = upload.finish();
            reply(response, SessionProtos.session(session, sessions.store().entries(session.id()),
                    sessions.store().outputCount(session.id())));
        } finally {
            end();
        }
    }

    private synchronized void checkIdle() {
        if (ended || System.nanoTime() - lastMessage < idleTimeout.toNanos()) {
            return;
        }
        end();
        response.onError(ApiException.aborted("UPLOAD_IDLE", "the upload sent nothing for " + idleTimeout.toSeconds()
                        + " s and was ended; what it sent is gone, start it again")
                .with(Map.of("idle_timeout_seconds", Long.toString(idleTimeout.toSeconds()))));
    }

    /** Stops the idle check and removes the partial file unless the upload became a session. */
    private void end() {
        ended = true;
        idleCheck.cancel(false);
        if (upload != null) {
            upload.close();
        }
    }
}
