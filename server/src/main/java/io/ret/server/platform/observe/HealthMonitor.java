package io.ret.server.platform.observe;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.ret.server.platform.events.OpsLog;

/**
 * Probes the database and Redis on a fixed interval and publishes the result:
 * grpc.health.v1 (overall and per service) goes NOT_SERVING while either is
 * unreachable, readiness follows, and each loss and recovery is written to
 * the ops log.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HealthMonitor.class.getName());

    public record Dependency(String name, BooleanSupplier probe) {
    }

    private final List<Dependency> dependencies;
    private final boolean[] up;
    private final HealthStatusManager health;
    private final List<String> services;
    private final OpsLog opsLog;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("health-monitor").daemon().factory());
    private volatile boolean ready;
    private volatile boolean stopping;

    public HealthMonitor(List<Dependency> dependencies, HealthStatusManager health, List<String> services, OpsLog opsLog) {
        this.dependencies = List.copyOf(dependencies);
        this.up = new boolean[dependencies.size()];
        java.util.Arrays.fill(up, true);
        this.health = health;
        this.services = List.copyOf(services);
        this.opsLog = opsLog;
    }

    public void start(Duration interval) {
        check();
        scheduler.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One probe round; public so tests and start-up need not wait for the schedule. */
    public synchronized void check() {
        if (stopping) {
            return;
        }
        boolean allUp = true;
        for (int i = 0; i < dependencies.size(); i++) {
            Dependency dependency = dependencies.get(i);
            boolean now;
            try {
                now = dependency.probe().getAsBoolean();
            } catch (RuntimeException e) {
                now = false;
            }
            if (now != up[i]) {
                up[i] = now;
                if (now) {
                    opsLog.record("platform", dependency.name() + ".regained", OpsLog.Severity.INFO,
                            dependency.name() + " is reachable again");
                } else {
                    opsLog.record("platform", dependency.name() + ".lost", OpsLog.Severity.ERROR,
                            dependency.name() + " is unreachable");
                }
            }
            allUp &= now;
        }
        if (allUp) {
            // events recorded while the database was away
            opsLog.flush();
        }
        ready = allUp;
        ServingStatus status = allUp ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
        services.forEach(service -> health.setStatus(service, status));
    }

    public boolean ready() {
        return ready && !stopping;
    }

    /** Per dependency: reachable at the last probe. */
    public java.util.Map<String, Boolean> status() {
        var out = new java.util.LinkedHashMap<String, Boolean>();
        synchronized (this) {
            for (int i = 0; i < dependencies.size(); i++) {
                out.put(dependencies.get(i).name(), up[i]);
            }
        }
        return out;
    }

    /** From now on every service reports NOT_SERVING, and health watchers are told so. */
    public void enterShutdown() {
        stopping = true;
        health.enterTerminalState();
    }

    @Override
    public void close() {
        stopping = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.FINE, "interrupted while stopping the health monitor");
        }
    }
}
