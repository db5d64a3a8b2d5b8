package io.ret.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import io.ret.server.platform.config.Settings;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.redis.Counters;

/**
 * Slows password guessing without letting anyone lock a user out (OWASP
 * Authentication Cheat Sheet, "Login Throttling"; policy in docs/limits.md).
 *
 * <ul>
 * <li>Failures are counted per username and source address together. After
 *     {@code free} failures in a row the pair must wait before its next attempt,
 *     {@code delay} doubling per further failure up to {@code maxDelay}; an
 *     attempt made while waiting is refused without looking at the password.
 *     Another source (the real user) is not slowed by it.</li>
 * <li>Only evidence of a distributed attack locks the account for
 *     {@code lockout.duration}: {@code lockout.threshold} failures from at least
 *     {@code lockout.sources} distinct sources within the window. Even then, a
 *     source that signed in to that account successfully before still may.</li>
 * </ul>
 * Unknown usernames are throttled like real ones, so throttling tells nothing
 * about which accounts exist. State lives in Redis (shared by every instance),
 * per instance while Redis is away.
 */
public final class LoginThrottle {
    public record Policy(int free, Duration delay, Duration maxDelay, Duration window, int lockoutSources,
                         int lockoutFailures, Duration lockoutDuration, Duration knownSourceTtl) {
        public static Policy from(Settings s, AuthSettings auth) {
            return new Policy(
                    s.integer("ret.auth.throttle.free", 1, 1000),
                    s.duration("ret.auth.throttle.delay", Duration.ofMillis(1)),
                    s.duration("ret.auth.throttle.max.delay", Duration.ofMillis(1)),
                    s.duration("ret.auth.throttle.window", Duration.ofSeconds(1)),
                    s.integer("ret.auth.lockout.sources", 2, 1_000_000),
                    auth.lockoutThreshold(), auth.lockoutDuration(), auth.refreshTokenTtl());
        }
    }

    /** What one failure added up to. */
    public record Failure(long fromSource, long forAccount, long sources, Duration delay) {
    }

    private final Counters counters;
    private final Policy policy;

    public LoginThrottle(Counters counters, Policy policy) {
        this.counters = counters;
        this.policy = policy;
    }

    public Policy policy() {
        return policy;
    }

    /** Refuses with LOGIN_THROTTLED (and when to retry) while this username and source must wait. */
    public void check(String username, String source) {
        Duration wait = counters.flagRemaining(key("wait", username, source));
        if (wait.isPositive()) {
            throw ApiException.resourceExhausted("LOGIN_THROTTLED", "too many failed sign-ins for this username from"
                            + " your address; retry after the delay in RetryInfo", wait)
                    .with(Map.of("retry_after_ms", Long.toString(wait.toMillis())));
        }
    }

    public Failure failed(String username, String source) {
        long fromSource = counters.increment(key("fail", username, source), policy.window());
        String account = key("account", username, "");
        long forAccount = counters.increment(account + ":n", policy.window());
        long sources = counters.addMember(account + ":sources", source == null ? "-" : source, policy.window());
        Duration wait = Duration.ZERO;
        if (fromSource >= policy.free()) {
            long doublings = Math.min(30, fromSource - policy.free());
            wait = policy.delay().multipliedBy(1L << doublings);
            if (wait.compareTo(policy.maxDelay()) > 0) {
                wait = policy.maxDelay();
            }
            counters.flag(key("wait", username, source), wait);
        }
        return new Failure(fromSource, forAccount, sources, wait);
    }

    /** A distributed attack on the account: enough failures from enough distinct sources. */
    public boolean distributedAttack(Failure failure) {
        return failure.sources() >= policy.lockoutSources() && failure.forAccount() >= policy.lockoutFailures();
    }

    public void succeeded(String username, String source) {
        counters.delete(key("fail", username, source), key("wait", username, source));
        counters.flag(key("known", username, source), policy.knownSourceTtl());
    }

    /** This source signed in to this username successfully before (within the refresh-token lifetime). */
    public boolean knownSource(String username, String source) {
        return counters.flagRemaining(key("known", username, source)).isPositive();
    }

    /** Keys hold hashes, never usernames or addresses. */
    private static String key(String kind, String username, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (username + '\u0000' + (source == null ? "-" : source)).getBytes(StandardCharsets.UTF_8));
            return "ret:login:" + kind + ':' + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
