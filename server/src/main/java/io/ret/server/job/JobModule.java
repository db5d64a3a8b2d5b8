package io.ret.server.job;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ret.server.job.kubernetes.KubernetesDispatcher;
import io.ret.server.platform.Platform;
import io.ret.server.platform.events.Instance;
import io.ret.server.platform.observe.BackgroundLoops;

/**
 * The job system wired from the platform: store, events, the local runner,
 * the dispatcher (local, or Kubernetes for conversions and indexing), the API.
 */
public final class JobModule implements AutoCloseable {
    private final JobStore store;
    private final JobEvents events;
    private final JobRunner runner;
    private final Jobs jobs;
    private final JobGrpcService grpc;
    private final KubernetesDispatcher kubernetes;
    private final JobSettings settings;

    /** @param usernameOf user id to username (job resources name their owner) */
    public JobModule(Platform platform, List<JobHandler> handlers, Function<String, String> usernameOf, Clock clock) {
        JobSettings settings = JobSettings.from(platform.config().settings());
        this.settings = settings;
        this.store = new JobStore(platform.db());
        this.events = new JobEvents(platform.redis(), store);
        boolean onKubernetes = settings.dispatcher() == JobSettings.Dispatcher.KUBERNETES;
        List<JobHandler> local = onKubernetes
                ? handlers.stream().filter(h -> !KubernetesDispatcher.dispatchedTypes().contains(h.type())).toList()
                : handlers;
        BackgroundLoops loops = new BackgroundLoops(platform.metrics(), platform.ops()::record, clock);
        AbandonedJobs abandoned = new AbandonedJobs(handlers);
        this.runner = new JobRunner(store, events, local, settings, platform.errors(), clock, Instance.id(), loops,
                abandoned);
        Jobs.Dispatcher inProcess = new Jobs.Dispatcher() {
            @Override
            public void submitted(JobRecord job) {
                runner.wake();
            }

            @Override
            public void cancelRequested(JobRecord job) {
                // the runner hears it through the job events
            }
        };
        this.kubernetes = onKubernetes
                ? new KubernetesDispatcher(new KubernetesClientBuilder().build(), settings.namespace(), store, events,
                inProcess, usernameOf, settings.resourceTtl(), clock, loops, abandoned)
                : null;
        this.jobs = new Jobs(store, events, onKubernetes ? kubernetes : inProcess, settings, clock);
        this.grpc = new JobGrpcService(jobs, platform.shutdown(), Math.max(500, settings.progressEvery().toMillis() * 8),
                platform.config().settings().integer("ret.jobs.watch.per.user", 1, 1_000_000));
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
        if (kubernetes != null) {
            kubernetes.start(settings.sweepEvery());
        }
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
        if (kubernetes != null) {
            kubernetes.close();
        }
        grpc.close();
        events.close();
    }
}
