package io.ret.server.platform.redis;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Remembers that Redis just failed, so callers go straight to their local
 * fallback for a moment instead of paying a connect or socket timeout on every
 * call; after the pause the next caller tries Redis again.
 */
final class RedisOutage {
    private static final long PAUSE_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final Logger log;
    private final String fallback;
    private volatile long retryAt = System.nanoTime() - 1;
    private volatile long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

    RedisOutage(Class<?> owner, String fallback) {
        this.log = Logger.getLogger(owner.getName());
        this.fallback = fallback;
    }

    /** True while Redis failed less than a pause ago. */
    boolean paused() {
        return System.nanoTime() - retryAt < 0;
    }

    void failed(RuntimeException e) {
        long now = System.nanoTime();
        retryAt = now + PAUSE_NANOS;
        if (now - lastLog > LOG_EVERY_NANOS) {
            lastLog = now;
            log.log(Level.WARNING, "Redis unreachable (" + e.getMessage() + "); " + fallback);
        }
    }
}
