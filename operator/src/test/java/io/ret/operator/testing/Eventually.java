package io.ret.operator.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waits for the cluster (or the operator) to get somewhere, polling, with a deadline. */
public final class Eventually {
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private Eventually() {
    }

    /** Retries {@code check} until it passes; rethrows its last failure at the deadline. */
    public static void await(String what, Runnable check) {
        get(what, () -> {
            check.run();
            return Optional.of(Boolean.TRUE);
        });
    }

    /** Polls until {@code probe} returns a value (a failing assertion counts as none yet). */
    public static <T> T get(String what, Supplier<Optional<T>> probe) {
        return get(what, probe, TIMEOUT);
    }

    public static <T> T get(String what, Supplier<Optional<T>> probe, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                Optional<T> value = probe.get();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (AssertionError | RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what, last);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
