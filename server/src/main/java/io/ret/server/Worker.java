package io.ret.server;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ret.server.auth.Account;
import io.ret.server.auth.AccountStore;
import io.ret.server.job.JobEvents;
import io.ret.server.job.JobExecution;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobSettings;
import io.ret.server.job.JobState;
import io.ret.server.job.JobStore;
import io.ret.server.job.kubernetes.JobResources;
import io.ret.server.platform.Engines;
import io.ret.server.platform.Ids;
import io.ret.server.platform.Platform;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.events.AuditLog;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.events.Instance;
import io.ret.server.platform.events.OpsLog;
import io.ret.server.platform.grpc.ShutdownSignal;
import io.ret.server.platform.logging.RetLogManager;
import io.ret.server.platform.observe.ServerMetrics;

/**
 * {@code ret worker --kind ConversionJob --name NAME --namespace NS}: runs the
 * one job of a ConversionJob / IndexJob resource in a worker pod, with the
 * same execution code as the server's executor. A resource applied with
 * kubectl gets its job row here (idempotently, keyed by the resource's uid).
 * Progress goes to the row, to the job events, and (at a bounded rate) to the
 * resource's status. SIGTERM stops the handler: the job is cancelled if that
 * was asked for, else it goes back to the queue for the next attempt; nothing
 * is ever half-published.
 */
final class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class.getName());
    private static final Duration STATUS_EVERY = Duration.ofSeconds(2);
    private static final Duration CANCEL_POLL = Duration.ofMillis(500);
    private static final JsonFactory JSON = new JsonFactory();

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int STOPPED = 143;

    private Worker() {
    }

    static int run(List<String> options, PrintStream err) {
        String kindName = null;
        String name = null;
        String namespace = null;
        for (int i = 0; i + 1 < options.size(); i += 2) {
            switch (options.get(i)) {
                case "--kind" -> kindName = options.get(i + 1);
                case "--name" -> name = options.get(i + 1);
                case "--namespace" -> namespace = options.get(i + 1);
                default -> {
                    err.println("ret worker: unknown option '" + options.get(i) + "'");
                    return USAGE;
                }
            }
        }
        if (kindName == null || name == null || namespace == null || options.size() % 2 != 0) {
            err.println("usage: ret worker --kind ConversionJob|IndexJob --name NAME --namespace NAMESPACE");
            return USAGE;
        }
        JobResources.Kind kind;
        RetConfig config;
        try {
            kind = JobResources.Kind.named(kindName);
            config = RetConfig.from(ConfigLoader.load(Map.of()));
        } catch (IllegalArgumentException | ConfigException e) {
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
        try (KubernetesClient client = new KubernetesClientBuilder().build();
             Engines engines = Engines.open(config)) {
            return runJob(config, engines, client.genericKubernetesResources(JobResources.API_VERSION, kind.resourceName())
                    .inNamespace(namespace).withName(name), kind, err);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "worker failed", e);
            err.println("ret worker: " + e.getMessage());
            return FAILED;
        } finally {
            closed.countDown();
        }
    }

    static int runJob(RetConfig config, Engines engines, Resource<GenericKubernetesResource> resource,
                      JobResources.Kind kind, PrintStream err) {
        GenericKubernetesResource cr = resource.get();
        if (cr == null) {
            err.println("ret worker: resource not found");
            return USAGE;
        }
        engines.db().migrate(Duration.ofSeconds(60));
        Clock clock = Clock.systemUTC();
        Platform platform = new Platform(config, engines.db(), engines.redis(), new AuditLog(engines.db()),
                new OpsLog(engines.db()), new ErrorLog(engines.db()), new ServerMetrics(), new ShutdownSignal());
        JobSettings settings = JobSettings.from(config.settings());
        JobStore store = new JobStore(engines.db());
        String runner = Instance.id();
        StatusWriter status = new StatusWriter(resource);
        try (Features features = Features.create(platform);
             JobEvents events = new JobEvents(engines.redis(), store)) {
            Optional<JobRecord> registered = register(cr, kind, store, new AccountStore(engines.db()), features, clock, status);
            if (registered.isEmpty()) {
                return FAILED;
            }
            String jobId = registered.get().id();
            status.write(registered.get(), registered.get().progress(), "waiting for the job", true);
            Optional<JobRecord> claimed = claim(store, jobId, runner, settings, clock, status);
            if (claimed.isEmpty()) {
                JobRecord now = store.get(jobId).orElseThrow();
                status.write(now, now.progress(), now.phase(), true);
                status.outcome(now.state());
                return now.state() == JobState.SUCCEEDED || now.state() == JobState.CANCELLED ? OK : FAILED;
            }
            JobRecord job = claimed.get();
            LOG.info("job " + jobId + " (" + kind.resourceName() + " " + cr.getMetadata().getName() + ") running, attempt "
                    + job.attempts() + " of " + job.maxAttempts());
            events.publish(job);
            JobHandler handler = features.jobHandlers(clock).stream().filter(h -> h.type() == job.type()).findFirst()
                    .orElseThrow();
            JobExecution execution = new JobExecution(job, handler, store, events, platform.errors(), clock, runner,
                    settings.progressEvery(), (j, percent, phase) -> status.write(j, percent, phase, false));
            return execute(execution, store, events, resource, status, settings, clock, runner);
        }
    }

    /** The job row behind the resource: the server's (spec.jobId), or one made now for a kubectl resource. */
    private static Optional<JobRecord> register(GenericKubernetesResource cr, JobResources.Kind kind, JobStore store,
                                                AccountStore accounts, Features features, Clock clock, StatusWriter status) {
        JobResources.Request request = JobResources.request(cr, kind);
        String jobId = JobResources.jobIdOf(cr);
        Optional<Account> owner = accounts.byUsername(request.owner()).filter(a -> a.usable(clock.instant()));
        Optional<JobRecord> existing = store.get(jobId);
        if (existing.isPresent()) {
            JobRecord row = existing.get();
            // the row must be this resource's job, not another one that happens to share the id
            if (row.type() != kind.jobType() || !row.subjectId().equals(request.sessionId())
                    || owner.isEmpty() || !row.ownerId().equals(owner.get().id())) {
                String problem = "job " + jobId + " exists but is not the job this resource describes";
                status.message(problem);
                LOG.severe(problem);
                return Optional.empty();
            }
            return existing;
        }
        String problem = owner.isEmpty() ? "spec.owner '" + request.owner() + "' is not an active RET user"
                : features.sessions().get(request.sessionId())
                .filter(s -> s.ownerId().equals(owner.get().id()) || owner.get().role() == io.ret.server.platform.security.Role.ADMIN)
                .isEmpty() ? "spec.sessionId '" + request.sessionId() + "' is not a session of " + request.owner() : null;
        if (problem != null) {
            status.message(problem);
            LOG.severe(problem);
            return Optional.empty();
        }
        Instant now = clock.instant();
        store.insertIfAbsent(new JobRecord(jobId, kind.jobType(), owner.get().id(), JobState.PENDING,
                Math.max(-10, Math.min(10, request.priority())), 0, "queued", 0, 0, request.sessionId(), null,
                request.params(), null, null, null, 0, Math.max(1, request.retries() + 1), false, null, null, 0, Ids.newId(),
                now, null, now, null));
        return store.get(jobId);
    }

    /** Takes the job; waits while another runner holds it (until the reaper frees it); empty if it is finished. */
    private static Optional<JobRecord> claim(JobStore store, String jobId, String runner, JobSettings settings, Clock clock,
                                             StatusWriter status) {
        Instant giveUp = clock.instant().plus(settings.staleAfter().multipliedBy(3)).plusSeconds(30);
        while (true) {
            JobRecord row = store.get(jobId).orElseThrow();
            if (row.state().terminal()) {
                return Optional.empty();
            }
            if (row.state() == JobState.PENDING) {
                Optional<JobRecord> claimed = store.claim(jobId, runner, clock.instant());
                if (claimed.isPresent()) {
                    return claimed;
                }
            } else if (row.runner() != null && row.runner().equals(runner)) {
                return Optional.of(row); // this pod, restarted in place
            }
            if (clock.instant().isAfter(giveUp)) {
                throw new IllegalStateException("job " + jobId + " is held by " + row.runner() + " and was not released");
            }
            status.message("waiting: job held by runner " + row.runner());
            sleep(Duration.ofSeconds(2));
        }
    }

    private static int execute(JobExecution execution, JobStore store, JobEvents events,
                               Resource<GenericKubernetesResource> resource, StatusWriter status, JobSettings settings,
                               Clock clock, String runner) {
        String jobId = execution.job().id();
        AutoCloseable cancelListener = events.listenAll(job -> {
            if (job.id().equals(jobId) && job.cancelRequested()) {
                execution.cancel();
            }
        });
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("worker-timers").daemon().factory());
        timers.scheduleWithFixedDelay(() -> {
            try {
                store.heartbeat(runner, List.of(jobId), clock.instant());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "heartbeat failed: " + e.getMessage());
            }
        }, 0, settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        // kubectl users cancel by setting spec.cancel; checked often so the job stops within about a second
        timers.scheduleWithFixedDelay(() -> {
            if (cancelFlagged(resource)) {
                store.requestCancel(jobId, clock.instant());
                execution.cancel();
            }
        }, CANCEL_POLL.toMillis(), CANCEL_POLL.toMillis(), TimeUnit.MILLISECONDS);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // SIGTERM: cancelled if that was asked, else back to the queue for the next attempt
            if (cancelFlagged(resource)) {
                execution.cancel();
            }
            execution.shutDown();
            try {
                finished.await(25, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "worker-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            JobExecution.End end = execution.run();
            LOG.info("job " + jobId + " ended: " + end);
            if (end != JobExecution.End.RELEASED) {
                // before exiting: the operator reads it to tell a job that succeeded from one cancelled
                status.outcome(store.get(jobId).orElseThrow().state());
            }
            return switch (end) {
                case SUCCEEDED, CANCELLED -> OK;
                case FAILED -> FAILED;
                case RELEASED -> STOPPED;
            };
        } finally {
            finished.countDown();
            timers.shutdownNow();
            try {
                cancelListener.close();
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (Exception ignored) {
                // already shutting down
            }
        }
    }

    private static boolean cancelFlagged(Resource<GenericKubernetesResource> resource) {
        try {
            GenericKubernetesResource cr = resource.get();
            return cr == null || (cr.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                    && Boolean.TRUE.equals(spec.get("cancel")));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Mirrors progress into the resource's status: only the fields that are the
     * worker's (progress, message, jobId, attempts, outcome), as a JSON merge patch of the
     * status subresource, at most every two seconds unless forced.
     */
    static final class StatusWriter {
        private final Resource<GenericKubernetesResource> resource;
        private long lastWrite;

        StatusWriter(Resource<GenericKubernetesResource> resource) {
            this.resource = resource;
        }

        synchronized void write(JobRecord job, int percent, String message, boolean force) {
            long now = System.nanoTime();
            boolean done = percent == 100 || percent < 0;
            if (!force && !done && now - lastWrite < STATUS_EVERY.toNanos()) {
                return;
            }
            lastWrite = now;
            patch(json -> {
                if (percent >= 0) {
                    json.writeNumberField("progress", percent);
                }
                json.writeStringField("message", message);
                json.writeStringField("jobId", job.id());
                json.writeNumberField("attempts", job.attempts());
            });
        }

        synchronized void message(String message) {
            patch(json -> json.writeStringField("message", message));
        }

        /** The job's end, in the resource's words (Succeeded, Failed, Cancelled); nothing for a job not ended. */
        synchronized void outcome(JobState state) {
            String outcome = switch (state) {
                case SUCCEEDED -> "Succeeded";
                case FAILED -> "Failed";
                case CANCELLED -> "Cancelled";
                default -> null;
            };
            if (outcome != null) {
                patch(json -> json.writeStringField("outcome", outcome));
            }
        }

        private interface Fields {
            void write(JsonGenerator json) throws java.io.IOException;
        }

        private void patch(Fields fields) {
            java.io.StringWriter out = new java.io.StringWriter();
            try (JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeObjectFieldStart("status");
                fields.write(json);
                json.writeEndObject();
                json.writeEndObject();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            try {
                resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), out.toString());
            } catch (RuntimeException e) {
                // the row is the truth; the resource's status is a mirror
                LOG.log(Level.FINE, "status not patched: " + e.getMessage());
            }
        }
    }
}
