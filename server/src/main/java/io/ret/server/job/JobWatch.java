package io.ret.server.job;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.ret.api.v1.Job;
import io.ret.server.platform.grpc.ShutdownSignal;

/**
 * One WatchJob stream: the current state first, then every change, then the
 * end once the job is terminal. Changes come from job events; a slow client
 * gets the newest state when it is ready again (intermediate progress is
 * coalesced, never queued without bound); a periodic re-read covers lost events.
 */
final class JobWatch {
    private final ServerCallStreamObserver<Job> call;
    private final JobStore store;
    private final String jobId;
    private JobRecord pending;
    private long lastVersion = -1;
    private boolean done;
    private AutoCloseable subscription;
    private AutoCloseable shutdownHook;
    private ScheduledFuture<?> poll;

    JobWatch(ServerCallStreamObserver<Job> call, JobStore store, String jobId) {
        this.call = call;
        this.store = store;
        this.jobId = jobId;
    }

    void start(JobRecord current, JobEvents events, ScheduledExecutorService timers, long pollMillis,
               ShutdownSignal shutdown) {
        call.setOnReadyHandler(this::drain);
        call.setOnCancelHandler(this::release);
        synchronized (this) {
            subscription = events.listen(jobId, this::offer);
            shutdownHook = shutdown.onShutdown(this::serverStopping);
        }
        offer(current);
        poll = timers.scheduleWithFixedDelay(this::reread, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        synchronized (this) {
            if (done) {
                poll.cancel(false);
            }
        }
    }

    private void reread() {
        try {
            store.get(jobId).ifPresent(this::offer);
        } catch (RuntimeException e) {
            // the database is away; the next event or poll will do
        }
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
        close(subscription);
        close(shutdownHook);
        if (poll != null) {
            poll.cancel(false);
        }
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
