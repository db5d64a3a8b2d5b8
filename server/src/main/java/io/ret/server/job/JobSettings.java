package io.ret.server.job;

import java.time.Duration;

import io.ret.server.platform.config.Settings;

/**
 * @param concurrency    jobs run at once by this server's local executor
 * @param heartbeat      how often a runner confirms it is alive
 * @param staleAfter     a RUNNING job without a heartbeat for this long is re-queued or failed
 * @param maxAttempts    runs per job before a lost runner fails it
 * @param progressEvery  least time between two progress writes of a job
 */
public record JobSettings(int concurrency, Duration heartbeat, Duration staleAfter, int maxAttempts,
                          Duration progressEvery) {
    public static JobSettings from(Settings s) {
        return new JobSettings(
                s.integer("ret.jobs.concurrency", 0, 256),
                s.duration("ret.jobs.heartbeat", Duration.ofMillis(100)),
                s.duration("ret.jobs.stale.after", Duration.ofSeconds(1)),
                s.integer("ret.jobs.attempts", 1, 100),
                s.duration("ret.jobs.progress.interval", Duration.ofMillis(10)));
    }
}
