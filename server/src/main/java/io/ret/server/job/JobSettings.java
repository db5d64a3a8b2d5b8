package io.ret.server.job;

import java.time.Duration;

import io.ret.server.platform.config.Settings;

/**
 * @param concurrency    jobs run at once by this server's local executor (0: none, an API-only server)
 * @param heartbeat      how often a runner confirms it is alive
 * @param staleAfter     a RUNNING job without a heartbeat for this long is re-queued or failed
 * @param maxAttempts    runs per job before a lost runner fails it
 * @param progressEvery  least time between two progress writes of a job
 * @param dispatcher     who runs conversions and indexing: this server, or Kubernetes worker pods
 * @param namespace      where job resources are created (Kubernetes dispatcher)
 * @param resourceTtl    how long finished job resources are kept (Kubernetes dispatcher)
 * @param sweepEvery     how often unfinished jobs are checked against their resources (Kubernetes dispatcher)
 */
public record JobSettings(int concurrency, Duration heartbeat, Duration staleAfter, int maxAttempts,
                          Duration progressEvery, Dispatcher dispatcher, String namespace, Duration resourceTtl,
                          Duration sweepEvery) {
    public enum Dispatcher { LOCAL, KUBERNETES }

    public static JobSettings from(Settings s) {
        return new JobSettings(
                s.integer("ret.jobs.concurrency", 0, 256),
                s.duration("ret.jobs.heartbeat", Duration.ofMillis(100)),
                s.duration("ret.jobs.stale.after", Duration.ofSeconds(1)),
                s.integer("ret.jobs.attempts", 1, 100),
                s.duration("ret.jobs.progress.interval", Duration.ofMillis(10)),
                s.choice("ret.jobs.dispatcher", Dispatcher.class),
                s.optionalString("ret.jobs.kubernetes.namespace").orElseGet(JobSettings::podNamespace),
                s.duration("ret.jobs.kubernetes.ttl", Duration.ZERO),
                s.duration("ret.jobs.kubernetes.sweep", Duration.ofMillis(100)));
    }

    /** The namespace this pod runs in, or "default" outside Kubernetes. */
    private static String podNamespace() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(
                    "/var/run/secrets/kubernetes.io/serviceaccount/namespace")).strip();
        } catch (java.io.IOException e) {
            return "default";
        }
    }
}
