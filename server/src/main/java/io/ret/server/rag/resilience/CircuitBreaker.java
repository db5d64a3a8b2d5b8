package io.ret.server.rag.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops calling a failing service: opens after {@code threshold} consecutive failed
 * attempts, refuses calls for {@code coolDown}, then lets one trial call through
 * (half-open); its success closes the breaker, its failure opens it again.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final String name;
    private final int threshold;
    private final Duration coolDown;
    private final Clock clock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openedAt = Instant.MIN;
    private boolean trialInFlight;

    public CircuitBreaker(String name, int threshold, Duration coolDown, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1");
        }
        this.name = name;
        this.threshold = threshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /** Call before an attempt; throws when the breaker refuses it. */
    public synchronized void acquire() {
        switch (state) {
            case CLOSED -> { }
            case OPEN -> {
                Duration left = Duration.between(clock.instant(), openedAt.plus(coolDown));
                if (!left.isNegative() && !left.isZero()) {
                    throw new CircuitOpenException(name, left);
                }
                state = State.HALF_OPEN;
                trialInFlight = true;
            }
            case HALF_OPEN -> {
                if (trialInFlight) {
                    throw new CircuitOpenException(name, Duration.ZERO);
                }
                trialInFlight = true;
            }
        }
    }

    public synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialInFlight = false;
    }

    public synchronized void onFailure() {
        trialInFlight = false;
        consecutiveFailures++;
        if (state == State.HALF_OPEN || consecutiveFailures >= threshold) {
            state = State.OPEN;
            openedAt = clock.instant();
        }
    }

    /** An attempt that ended without saying anything about the service's health (e.g. a 400). */
    public synchronized void onNeutral() {
        if (state == State.HALF_OPEN) {
            state = State.CLOSED;
        }
        trialInFlight = false;
    }

    public synchronized State state() {
        return state;
    }
}
