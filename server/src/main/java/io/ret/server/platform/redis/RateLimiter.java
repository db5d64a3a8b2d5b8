package io.ret.server.platform.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
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
 *
 * <p>While Redis is unreachable the same limits hold per instance, in local
 * Bucket4j buckets (never none): with n instances a caller gets at most n times
 * the limit until Redis is back, when the shared buckets take over again.
 */
public final class RateLimiter {
    private static final Duration IDLE_EVICTION = Duration.ofMinutes(10);

    public sealed interface Decision {
    }

    public record Allowed() implements Decision {
    }

    public record Refused(Duration retryAfter) implements Decision {
    }

    private static final class Cached {
        final BucketProxy bucket;
        final Bucket local;
        volatile long lastUsed;

        Cached(BucketProxy bucket, Bucket local) {
            this.bucket = bucket;
            this.local = local;
        }
    }

    private final ProxyManager<byte[]> buckets;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final RedisOutage outage = new RedisOutage(RateLimiter.class, "rate limits hold per instance meanwhile");
    private volatile long lastEviction = System.nanoTime();

    public RateLimiter(Redis redis) {
        this.buckets = Bucket4jJedis.casBasedBuilder(redis.client())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    /**
     * Takes one token for {@code key} under {@code limit}: from the shared bucket in Redis, or, while
     * Redis is unreachable, from this instance's local bucket of the same size.
     */
    public Decision tryAcquire(String key, RetConfig.Limit limit) {
        long now = System.nanoTime();
        Cached cached = cache.computeIfAbsent(key + '|' + limit.calls() + '/' + limit.period().toMillis(),
                k -> new Cached(bucket("ret:rl:" + k, limit), Bucket.builder().addLimit(bandwidth(limit)).build()));
        cached.lastUsed = now;
        evictIdle(now);
        if (!outage.paused()) {
            try {
                return decide(cached.bucket.tryConsumeAndReturnRemaining(1));
            } catch (RuntimeException e) {
                outage.failed(e);
            }
        }
        return decide(cached.local.tryConsumeAndReturnRemaining(1));
    }

    private static Decision decide(ConsumptionProbe probe) {
        if (probe.isConsumed()) {
            return new Allowed();
        }
        return new Refused(Duration.ofNanos(Math.max(probe.getNanosToWaitForRefill(), 1_000_000)));
    }

    private static Bandwidth bandwidth(RetConfig.Limit limit) {
        return Bandwidth.builder().capacity(limit.calls()).refillGreedy(limit.calls(), limit.period()).build();
    }

    private BucketProxy bucket(String key, RetConfig.Limit limit) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(bandwidth(limit))
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
