package io.ret.server.platform.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.ret.server.platform.config.RetConfig;

/**
 * Token buckets kept in Redis (Bucket4j), shared by every server instance.
 * Each bucket is cached here with Bucket4j's delaying optimization: up to a
 * twentieth of its capacity (at most 100 tokens, at most 100 ms) is consumed
 * locally between synchronisations, so a call costs no Redis round trip
 * while the shared limit still holds within that slack.
 */
public final class RateLimiter {
    private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());
    private static final Duration IDLE_EVICTION = Duration.ofMinutes(10);

    public sealed interface Decision {
    }

    public record Allowed() implements Decision {
    }

    public record Refused(Duration retryAfter) implements Decision {
    }

    private static final class Cached {
        final BucketProxy bucket;
        volatile long lastUsed;

        Cached(BucketProxy bucket) {
            this.bucket = bucket;
        }
    }

    private final ProxyManager<byte[]> buckets;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile long lastEviction = System.nanoTime();
    private volatile long lastFailureLog;

    public RateLimiter(Redis redis) {
        this.buckets = Bucket4jJedis.casBasedBuilder(redis.client())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    /** Takes one token for {@code key} under {@code limit}. Fails open if Redis is unreachable. */
    public Decision tryAcquire(String key, RetConfig.Limit limit) {
        long now = System.nanoTime();
        Cached cached = cache.computeIfAbsent(key + '|' + limit.calls() + '/' + limit.period().toMillis(),
                k -> new Cached(bucket("ret:rl:" + k, limit)));
        cached.lastUsed = now;
        evictIdle(now);
        try {
            ConsumptionProbe probe = cached.bucket.tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                return new Allowed();
            }
            return new Refused(Duration.ofNanos(Math.max(probe.getNanosToWaitForRefill(), 1_000_000)));
        } catch (RuntimeException e) {
            // availability over strictness: health already reports NOT_SERVING while Redis is away
            if (now - lastFailureLog > Duration.ofSeconds(10).toNanos()) {
                lastFailureLog = now;
                LOG.log(Level.WARNING, "rate limit not enforced, Redis unreachable: " + e.getMessage());
            }
            return new Allowed();
        }
    }

    private BucketProxy bucket(String key, RetConfig.Limit limit) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit.calls()).refillGreedy(limit.calls(), limit.period()))
                .build();
        long slack = Math.max(1, Math.min(100, limit.calls() / 20));
        return buckets.builder()
                .withOptimization(Optimizations.delaying(new DelayParameters(slack, Duration.ofMillis(100))))
                .build(key.getBytes(StandardCharsets.UTF_8), () -> configuration);
    }

    private void evictIdle(long now) {
        if (now - lastEviction < Duration.ofMinutes(1).toNanos()) {
            return;
        }
        lastEviction = now;
        long cutoff = now - IDLE_EVICTION.toNanos();
        cache.values().removeIf(c -> c.lastUsed < cutoff);
    }
}
