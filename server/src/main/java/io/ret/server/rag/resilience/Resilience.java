package io.ret.server.rag.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Runs remote calls with a deadline, retries with exponential backoff and jitter
 * (or the server's Retry-After, when it gives one), through a circuit breaker.
 * Every attempt passes the breaker; a refused attempt is not retried.
 */
public final class Resilience {

    /**
     * @param maxAttempts first try included
     * @param baseDelay   delay before the second attempt; doubles each time, capped at maxDelay,
     *                    then a random 50-100% of it is used (jitter) so clients do not retry in step
     * @param deadline    for the whole call, retries and waits included
     */
    public record Policy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration deadline,
                         int breakerThreshold, Duration breakerCoolDown) {
        public Policy {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
        }

        public static Policy defaults() {
            return new Policy(4, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60),
                    5, Duration.ofSeconds(30));
        }
    }

    /** One attempt, given the time it may take. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Duration timeout) throws Exception;
    }

    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final String service;
    private final Policy policy;
    private final CircuitBreaker breaker;
    private final Function<Exception, Failure> classifier;
    private final Clock clock;
    private final Sleeper sleeper;

    public Resilience(String service, Policy policy, Function<Exception, Failure> classifier) {
        this(service, policy, classifier, Clock.systemUTC(), d -> Thread.sleep(d));
    }

    public Resilience(String service, Policy policy, Function<Exception, Failure> classifier, Clock clock, Sleeper sleeper) {
        this.service = service;
        this.policy = policy;
        this.breaker = new CircuitBreaker(service, policy.breakerThreshold(), policy.breakerCoolDown(), clock);
        this.classifier = classifier;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * @throws ModelUnavailableException when attempts or time run out, or the breaker is open
     * @throws RuntimeException          the attempt's own exception when it is {@link Failure.Permanent}
     */
    public <T> T call(Attempt<T> attempt) {
        Instant deadline = clock.instant().plus(policy.deadline());
        Exception last = null;
        for (int n = 1; ; n++) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new ModelUnavailableException(service + " did not answer within " + policy.deadline().toMillis() + " ms", last);
            }
            breaker.acquire();
            Failure failure;
            try {
                T result = attempt.run(left);
                breaker.onSuccess();
                return result;
            } catch (Exception e) {
                last = e;
                failure = classifier.apply(e);
            }
            switch (failure) {
                case Failure.Permanent p -> {
                    breaker.onNeutral();
                    throw last instanceof RuntimeException r ? r : new IllegalStateException(last.getMessage(), last);
                }
                case Failure.Transient t -> {
                    breaker.onFailure();
                    if (n >= policy.maxAttempts()) {
                        throw new ModelUnavailableException(service + " failed " + n + " times: " + last.getMessage(), last);
                    }
                    int failed = n;
                    Duration wait = t.retryAfter().orElseGet(() -> backoff(failed));
                    if (clock.instant().plus(wait).isAfter(deadline)) {
                        throw new ModelUnavailableException(service + " asked to wait " + wait.toMillis()
                                + " ms, past the deadline: " + last.getMessage(), last);
                    }
                    pause(wait, last);
                }
            }
        }
    }

    Duration backoff(int failedAttempts) {
        long base = policy.baseDelay().toMillis() << Math.min(failedAttempts - 1, 20);
        long capped = Math.min(base, policy.maxDelay().toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    private void pause(Duration wait, Exception cause) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelUnavailableException(service + " call interrupted", cause);
        }
    }
}
