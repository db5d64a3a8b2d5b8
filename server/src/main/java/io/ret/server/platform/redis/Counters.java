package io.ret.server.platform.redis;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import redis.clients.jedis.params.SetParams;

/**
 * Small expiring counters, sets and flags, kept in Redis so every server
 * instance sees the same numbers. While Redis is unreachable they are kept in
 * this instance's memory instead (the same rules, per instance), so whatever
 * depends on them (login throttling) still applies.
 */
public final class Counters {
    /** Local fallback entries kept at most; beyond it the oldest half is dropped. */
    private static final int MAX_LOCAL = 100_000;
    /** Members a local set keeps (counts above it are only "at least"). */
    private static final int MAX_LOCAL_MEMBERS = 10_000;

    private final Redis redis;
    private final RedisOutage outage = new RedisOutage(Counters.class, "counters are kept per instance meanwhile");
    private final Map<String, Local> local = new ConcurrentHashMap<>();

    private static final class Local {
        long count;
        final Set<String> members = ConcurrentHashMap.newKeySet();
        long expiresAt;
    }

    public Counters(Redis redis) {
        this.redis = redis;
    }

    /** Adds one to {@code key} and (re)sets its expiry; the count after it. */
    public long increment(String key, Duration ttl) {
        if (!outage.paused()) {
            try {
                long n = redis.client().incr(key);
                redis.client().pexpire(key, ttl.toMillis());
                return n;
            } catch (RuntimeException e) {
                outage.failed(e);
            }
        }
        Local entry = local(key, ttl);
        synchronized (entry) {
            return ++entry.count;
        }
    }

    /** Adds {@code member} to the set at {@code key} and (re)sets its expiry; how many distinct members it holds. */
    public long addMember(String key, String member, Duration ttl) {
        if (!outage.paused()) {
            try {
                redis.client().pfadd(key, member);
                redis.client().pexpire(key, ttl.toMillis());
                return redis.client().pfcount(key);
            } catch (RuntimeException e) {
                outage.failed(e);
            }
        }
        Local entry = local(key, ttl);
        if (entry.members.size() < MAX_LOCAL_MEMBERS) {
            entry.members.add(member);
        }
        return entry.members.size();
    }

    /** Raises a flag at {@code key} that lowers itself after {@code ttl}. */
    public void flag(String key, Duration ttl) {
        if (!outage.paused()) {
            try {
                redis.client().set(key, "1", SetParams.setParams().px(Math.max(1, ttl.toMillis())));
                return;
            } catch (RuntimeException e) {
                outage.failed(e);
            }
        }
        local(key, ttl);
    }

    /** How long the flag at {@code key} stays raised; zero when it is not. */
    public Duration flagRemaining(String key) {
        if (!outage.paused()) {
            try {
                long ms = redis.client().pttl(key);
                return ms > 0 ? Duration.ofMillis(ms) : Duration.ZERO;
            } catch (RuntimeException e) {
                outage.failed(e);
            }
        }
        Local entry = local.get(key);
        long left = entry == null ? 0 : entry.expiresAt - System.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Forgets {@code keys} (in Redis and locally). */
    public void delete(String... keys) {
        for (String key : keys) {
            local.remove(key);
        }
        if (!outage.paused()) {
            try {
                redis.client().del(keys);
            } catch (RuntimeException e) {
                outage.failed(e);
            }
        }
    }

    private Local local(String key, Duration ttl) {
        long now = System.nanoTime();
        if (local.size() >= MAX_LOCAL) {
            local.values().removeIf(e -> e.expiresAt - now <= 0);
            if (local.size() >= MAX_LOCAL / 2) {
                local.clear();
            }
        }
        Local entry = local.compute(key, (k, e) -> e == null || e.expiresAt - now <= 0 ? new Local() : e);
        entry.expiresAt = now + ttl.toNanos();
        return entry;
    }
}
