package io.ret.server.platform.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.ret.server.platform.events.OpsLog;

/**
 * Failures of the loops that run in the background (the Kubernetes dispatcher's sweep, the job
 * runner's dispatch, heartbeat and reaper passes, a worker's status writes): nobody waits on
 * them, so a failure would otherwise go unseen. Each failure is counted in
 * {@code ret.background.failures{loop=...}} and logged at WARNING, at most once a minute per loop
 * (with how many were not logged); a loop that keeps failing for {@link #LASTING} records an ops
 * event, and another one when it works again.
 */
public final class BackgroundLoops {
    public static final Duration LOG_EVERY = Duration.ofMinutes(1);
    public static final Duration LASTING = Duration.ofMinutes(2);

    /** Where lasting failures and recoveries go: the ops log ({@link OpsLog#record}). */
    @FunctionalInterface
    public interface OpsEvents {
        void record(String area, String action, OpsLog.Severity level, String message);
    }

    private final ServerMetrics metrics;
    private final OpsEvents ops;
    private final Clock clock;

    public BackgroundLoops(ServerMetrics metrics, OpsEvents ops, Clock clock) {
        this.metrics = metrics;
        this.ops = ops;
        this.clock = clock;
    }

    public Loop loop(String name, Logger log) {
        return new Loop(name, log, metrics.counter("ret.background.failures",
                "failed passes of background loops (dispatcher sweep, job runner, worker status writes)", "loop", name));
    }

    /** One loop's failures; thread-safe. */
    public final class Loop {
        private final String name;
        private final Logger log;
        private final Counter failures;
        private Instant failingSince;
        private Instant lastLogged;
        private long notLogged;
        private boolean reported;

        private Loop(String name, Logger log, Counter failures) {
            this.name = name;
            this.log = log;
            this.failures = failures;
        }

        /** A pass failed: counted, logged (throttled), and an ops event once it has lasted. */
        public void failed(String what, Throwable error) {
            failures.increment();
            Instant now = clock.instant();
            String report = null;
            String message = what + ": " + error.getMessage();
            synchronized (this) {
                if (failingSince == null) {
                    failingSince = now;
                }
                if (lastLogged == null || !now.isBefore(lastLogged.plus(LOG_EVERY))) {
                    log.log(Level.WARNING, name + ": " + message
                            + (notLogged > 0 ? " (" + notLogged + " more failure(s) since the last report)" : ""));
                    lastLogged = now;
                    notLogged = 0;
                } else {
                    notLogged++;
                }
                if (!reported && !now.isBefore(failingSince.plus(LASTING))) {
                    reported = true;
                    report = name + " has failed since " + failingSince + ": " + message;
                }
            }
            if (report != null) {
                ops.record("background", name, OpsLog.Severity.WARNING, report);
            }
        }

        /** A pass worked: a lasting failure that was reported is reported as over. */
        public void succeeded() {
            String recovered = null;
            synchronized (this) {
                if (failingSince == null) {
                    return;
                }
                if (reported) {
                    recovered = name + " works again (failing since " + failingSince + ")";
                }
                failingSince = null;
                lastLogged = null;
                notLogged = 0;
                reported = false;
            }
            if (recovered != null) {
                ops.record("background", name, OpsLog.Severity.INFO, recovered);
            }
        }

        /** Failing without a success for at least {@link #LASTING}. */
        public synchronized boolean lasting() {
            return failingSince != null && !clock.instant().isBefore(failingSince.plus(LASTING));
        }
    }
}
