package io.ret.server.job;

import java.time.Clock;
import java.util.List;

import io.ret.server.platform.Platform;
import io.ret.server.platform.events.Instance;

/** The job system wired from the platform: store, events, the local runner, the API. */
public final class JobModule implements AutoCloseable {
    private final JobStore store;
    private final JobEvents events;
    private final JobRunner runner;
    private final Jobs jobs;
    private final JobGrpcService grpc;

    public JobModule(Platform platform, List<JobHandler> handlers, Clock clock) {
        JobSettings settings = JobSettings.from(platform.config().settings());
        this.store = new JobStore(platform.db());
        this.events = new JobEvents(platform.redis(), store);
        this.runner = new JobRunner(store, events, handlers, settings, platform.errors(), clock, Instance.id());
        this.jobs = new Jobs(store, events, new Jobs.Dispatcher() {
            @Override
            public void submitted(JobRecord job) {
                runner.wake();
            }

            @Override
            public void cancelRequested(JobRecord job) {
                // the runner hears it through the job events
            }
        }, settings, clock);
        this.grpc = new JobGrpcService(jobs, platform.shutdown(), Math.max(500, settings.progressEvery().toMillis() * 8));
        platform.metrics().gauge("ret.jobs.running.local", "jobs running in this server's executor", runner::runningCount);
        platform.metrics().gauge("ret.jobs.pending", "jobs waiting for a runner (all instances)", () -> {
            try {
                return store.countByState(JobState.PENDING);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        });
    }

    public void start() {
        runner.start();
    }

    public Jobs jobs() {
        return jobs;
    }

    public JobGrpcService grpcService() {
        return grpc;
    }

    @Override
    public void close() {
        runner.close();
        grpc.close();
        events.close();
    }
}
