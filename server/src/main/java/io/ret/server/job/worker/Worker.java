package io.ret.server.job.worker;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.ret.operator.api.RetJob;
import io.ret.server.Features;
import io.ret.server.auth.AccountStore;
import io.ret.server.job.JobEvents;
import io.ret.server.job.JobExecution;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobSettings;
import io.ret.server.job.JobState;
import io.ret.server.job.JobStore;
import io.ret.server.job.kubernetes.JobResources;
import io.ret.server.job.shard.JobShards;
import io.ret.server.job.shard.ShardedJobHandler;
import io.ret.server.job.shard.ShardedRun;
import io.ret.server.platform.Engines;
import io.ret.server.platform.Platform;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.events.Instance;
import io.ret.server.platform.logging.RetLogManager;
import io.ret.server.platform.observe.BackgroundLoops;
import io.ret.server.platform.trace.Tracing;
import io.ret.server.platform.trace.TracingSdk;
import io.ret.server.platform.trace.TracingSettings;

/**
 * {@code ret worker --kind ConversionJob --name NAME --namespace NS}: runs the one job of a
 * ConversionJob / IndexJob resource in a worker pod, with the same execution code as the server's
 * executor. A resource applied with kubectl gets its job row here ({@link WorkerRegistration});
 * progress goes to the row, to the job events and (at a bounded rate) to the resource's status
 * ({@link ResourceStatus}); {@link WorkerRun} claims and runs it. Nothing is ever half-published.
 */
public final class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class.getName());

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** Stopped by SIGTERM before the job ended: it goes back to the queue for the next attempt. */
    public static final int STOPPED = 143;
    /** Set by an Indexed Job's controller (and the operator's pod template): this pod's shard. */
    static final String COMPLETION_INDEX = "JOB_COMPLETION_INDEX";

    private Worker() {
    }

    /** The {@code worker} command: its options (after the command word) and where usage errors go. */
    public static int run(List<String> options, PrintStream err) {
        WorkerArguments arguments;
        RetConfig config;
        TracingSettings tracingSettings;
        try {
            arguments = WorkerArguments.parse(options);
            config = RetConfig.from(ConfigLoader.load(Map.of()));
            tracingSettings = TracingSettings.from(config.settings());
        } catch (WorkerArguments.Invalid e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (ConfigException e) {
            err.println("ret worker: " + e.getMessage());
            return USAGE;
        }
        if (config.database().embedded() || config.redis().embedded()) {
            err.println("ret worker: a worker needs RET_DB_URL and RET_REDIS_URL (it never starts embedded engines)");
            return USAGE;
        }
        // on SIGTERM the log is flushed only once everything below is closed (and has logged)
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                closed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            RetLogManager.finish();
        }, "worker-log-flush"));
        AutoCloseable tracing = TracingSdk.start(tracingSettings, "ret-worker");
        try (KubernetesClient client = new KubernetesClientBuilder().build();
             Engines engines = Engines.open(config)) {
            return runJob(config, engines, client.resources(arguments.kind().resourceClass())
                    .inNamespace(arguments.namespace()).withName(arguments.name()), err);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "worker failed", e);
            err.println("ret worker: " + e.getMessage());
            return FAILED;
        } finally {
            closeTracing(tracing);
            closed.countDown();
        }
    }

    /**
     * The shard an Indexed Job gave this pod ({@value #COMPLETION_INDEX}); empty when the API server
     * has no Indexed Jobs (the variable is then empty) and the pod takes a free shard instead.
     */
    private static Optional<Integer> completionIndex(int parallelism) {
        String value = System.getenv(COMPLETION_INDEX);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        int index = Integer.parseInt(value.strip());
        if (index < 0 || index >= parallelism) {
            throw new IllegalStateException(COMPLETION_INDEX + "=" + index + " is not a shard of " + parallelism);
        }
        return Optional.of(index);
    }

    /** Runs the job of {@code resource} on open engines; the exit code the pod ends with. */
    public static int runJob(RetConfig config, Engines engines, Resource<? extends RetJob<?>> resource, PrintStream err) {
        RetJob<?> cr = resource.get();
        if (cr == null) {
            err.println("ret worker: resource not found");
            return USAGE;
        }
        Span span = workerSpan(cr);
        try (Scope ignored = span == null ? null : span.makeCurrent()) {
            int exit = runJob(config, engines, resource, cr);
            if (span != null) {
                span.setAttribute("ret.worker.exit_code", exit);
            }
            return exit;
        } finally {
            if (span != null) {
                span.end();
            }
        }
    }

    /**
     * The worker's span, continuing the trace of the call that started the job (the resource's
     * traceparent annotation); null when tracing is off.
     */
    private static Span workerSpan(RetJob<?> cr) {
        if (!Tracing.on()) {
            return null;
        }
        var annotations = cr.getMetadata().getAnnotations();
        return Tracing.tracer().spanBuilder("worker " + cr.getKind())
                .setParent(Tracing.parentFrom(annotations == null ? null
                        : annotations.get(JobResources.TRACEPARENT_ANNOTATION)))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("ret.resource.kind", cr.getKind())
                .setAttribute("ret.resource.name", cr.getMetadata().getName())
                .setAttribute("ret.job.id", cr.retJobId())
                .startSpan();
    }

    private static void closeTracing(AutoCloseable tracing) {
        try {
            tracing.close(); // flushes the spans still queued
        } catch (Exception e) {
            LOG.warning("cannot flush the last spans: " + e.getMessage());
        }
    }

    private static int runJob(RetConfig config, Engines engines, Resource<? extends RetJob<?>> resource, RetJob<?> cr) {
        Clock clock = Clock.systemUTC();
        Platform platform = Platform.open(config, engines);
        BackgroundLoops loops = new BackgroundLoops(platform.metrics(), platform.ops()::record, clock);
        JobSettings settings = JobSettings.from(config.settings());
        JobStore store = new JobStore(engines.db());
        ResourceStatus status = new ResourceStatus(resource, loops.loop("worker-status", LOG));
        try (Features features = Features.create(platform);
             JobEvents events = new JobEvents(engines.redis(), store)) {
            var registration = new WorkerRegistration(store, new AccountStore(engines.db()), features.sessions(), clock)
                    .register(cr);
            if (registration instanceof WorkerRegistration.Outcome.Refused(String problem)) {
                status.message(problem);
                LOG.severe(problem);
                return FAILED;
            }
            JobRecord registered = ((WorkerRegistration.Outcome.Registered) registration).job();
            status.progress(registered, registered.progress(), "waiting for the job", true);
            var run = new WorkerRun(store, events, resource, status, settings, clock, Instance.id(), loops);
            int parallelism = cr.getSpec().parallelismOrDefault();
            if (parallelism > 1) {
                ShardedJobHandler handler = features.jobHandlers(clock).stream()
                        .filter(h -> h.type() == registered.type() && h instanceof ShardedJobHandler)
                        .map(ShardedJobHandler.class::cast).findFirst().orElseThrow();
                Optional<Integer> index = completionIndex(parallelism);
                LOG.info("job " + registered.id() + " (" + cr.getKind() + " " + cr.getMetadata().getName() + ") runs in "
                        + parallelism + " shards; this pod: " + index.map(i -> "shard " + i).orElse("a free shard"));
                var sharded = new ShardedRun(store, new JobShards(engines.db()), events, handler, platform.errors(),
                        settings, clock, Instance.id(), parallelism,
                        (j, percent, phase) -> status.progress(j, percent, phase, false));
                return run.execute(registered.id(), new WorkerRun.Stoppable() {
                    @Override
                    public JobExecution.End run() {
                        return sharded.run(registered, index);
                    }

                    @Override
                    public void cancel() {
                        sharded.cancel();
                    }

                    @Override
                    public void shutDown() {
                        sharded.shutDown();
                    }
                });
            }
            Optional<JobRecord> claimed = run.claim(registered.id());
            if (claimed.isEmpty()) {
                JobRecord now = store.get(registered.id()).orElseThrow();
                status.progress(now, now.progress(), now.phase(), true);
                status.outcome(now.state());
                return now.state() == JobState.SUCCEEDED || now.state() == JobState.CANCELLED ? OK : FAILED;
            }
            JobRecord job = claimed.get();
            LOG.info("job " + job.id() + " (" + cr.getKind() + " " + cr.getMetadata().getName() + ") running, attempt "
                    + job.attempts() + " of " + job.maxAttempts());
            events.publish(job);
            JobHandler handler = features.jobHandlers(clock).stream().filter(h -> h.type() == job.type()).findFirst()
                    .orElseThrow();
            return run.execute(new JobExecution(job, handler, store, events, platform.errors(), clock, Instance.id(),
                    settings.progressEvery(), (j, percent, phase) -> status.progress(j, percent, phase, false)));
        }
    }
}
