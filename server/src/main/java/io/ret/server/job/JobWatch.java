package io.ret.server.job;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.ret.api.v1.Job;
import io.ret.server.platform.grpc.ShutdownSignal;

/**
 * One WatchJob stream: the current state first, then every change, then the
 * end once the job is terminal. Changes come from the job's group in
 * {@link JobWatchers} (events, and one shared re-read covering lost events); a
 * slow client gets the newest state when it is ready again (intermediate
 * progress is coalesced, never queued without bound).
 */
final class JobWatch {
    private final ServerCallStreamObserver<Job> call;
    private final Runnable slot;
    private JobRecord pending;
    private long lastVersion = -1;
    private boolean done;
    private boolean released;
    private AutoCloseable membership;
    private AutoCloseable shutdownHook;

    /** @param slot gives the owner's stream slot back (run once, when the stream ends) */
    JobWatch(ServerCallStreamObserver<Job> call, Runnable slot) {
        this.call = call;
        this.slot = slot;
    }

    void start(JobRecord current, JobWatchers watchers, ShutdownSignal shutdown) {
        call.setOnReadyHandler(this::drain);
        call.setOnCancelHandler(this::release);
        synchronized (this) {
            if (released) {
                return; // cancelled before it began
            }
            membership = watchers.join(current, this::offer);
            shutdownHook = shutdown.onShutdown(this::serverStopping);
        }
        offer(current);
    }

    synchronized void offer(JobRecord job) {
        if (done || job.version() <= lastVersion || (pending != null && job.version() <= pending.version())) {
            return;
        }
        pending = job;
        drain();
    }

    private synchronized void drain() {
        while (!done && pending != null && call.isReady()) {
            JobRecord next = pending;
            pending = null;
            lastVersion = next.version();
            call.onNext(JobProtos.job(next));
            if (next.state().terminal()) {
                done = true;
                call.onCompleted();
                release();
            }
        }
    }

    private synchronized void serverStopping() {
        if (!done) {
            done = true;
            call.onError(Status.UNAVAILABLE.withDescription("server shutting down; watch the job again").asRuntimeException());
            release();
        }
    }

    private synchronized void release() {
        done = true;
        if (released) {
            return;
        }
        released = true;
        close(membership);
        close(shutdownHook);
        slot.run();
    }

    private static void close(AutoCloseable resource) {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // nothing held
            }
        }
    }
}
