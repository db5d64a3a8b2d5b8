package io.ret.server.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.platform.redis.Redis;
import io.ret.server.platform.redis.Subscription;

/**
 * Account and login-session state read on every authenticated call, cached
 * briefly. A change (lock, disable, delete, force-logout, logout) invalidates
 * the entry here at once and, through Redis pub/sub, on every other server
 * instance; the short expiry bounds staleness if a message is lost.
 */
public final class AccountCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AccountCache.class.getName());
    private static final String CHANNEL = "ret:accounts:invalidate";
    private static final int MAX_ENTRIES = 100_000;

    private record Entry<T>(Optional<T> value, long loadedAt) {
    }

    private final Duration ttl;
    private final Redis redis;
    private final Map<String, Entry<Account>> accounts = new ConcurrentHashMap<>();
    private final Map<String, Entry<LoginSessionStore.LoginSession>> sessions = new ConcurrentHashMap<>();
    private final Map<String, Entry<ApiKeyStore.ApiKey>> apiKeys = new ConcurrentHashMap<>();
    private final Subscription subscription;

    public AccountCache(Redis redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
        // messages may have been missed while disconnected: start clean on every (re)subscription
        this.subscription = Subscription.start(redis, CHANNEL.getBytes(StandardCharsets.UTF_8),
                message -> apply(new String(message, StandardCharsets.UTF_8)), this::clear, "account-cache-subscriber");
    }

    public Optional<Account> account(String id, Function<String, Optional<Account>> loader) {
        return get(accounts, id, loader);
    }

    public Optional<LoginSessionStore.LoginSession> session(String id,
                                                            Function<String, Optional<LoginSessionStore.LoginSession>> loader) {
        return get(sessions, id, loader);
    }

    /** Keyed by the SHA-256 of the key. */
    public Optional<ApiKeyStore.ApiKey> apiKey(String keyHash, Function<String, Optional<ApiKeyStore.ApiKey>> loader) {
        return get(apiKeys, keyHash, loader);
    }

    private <T> Optional<T> get(Map<String, Entry<T>> map, String key, Function<String, Optional<T>> loader) {
        long now = System.nanoTime();
        Entry<T> entry = map.get(key);
        if (entry != null && now - entry.loadedAt() < ttl.toNanos()) {
            return entry.value();
        }
        Optional<T> value = loader.apply(key);
        if (map.size() >= MAX_ENTRIES) {
            map.clear();
        }
        map.put(key, new Entry<>(value, now));
        return value;
    }

    public void invalidateAccount(String userId) {
        accounts.remove(userId);
        publish("account:" + userId);
    }

    public void invalidateSession(String sessionId) {
        sessions.remove(sessionId);
        publish("session:" + sessionId);
    }

    /** Sessions are cached by id; a user-wide change drops them all (rare). */
    public void invalidateSessionsOf(String userId) {
        sessions.values().removeIf(e -> e.value().map(s -> s.userId().equals(userId)).orElse(false));
        publish("sessions-of:" + userId);
    }

    public void invalidateApiKeys() {
        apiKeys.clear();
        publish("api-keys");
    }

    private void publish(String message) {
        try {
            redis.client().publish(CHANNEL, message);
        } catch (RuntimeException e) {
            // other instances fall back to the cache expiry
            LOG.log(Level.WARNING, "cannot publish account invalidation (" + e.getMessage() + ")");
        }
    }

    private void clear() {
        accounts.clear();
        sessions.clear();
        apiKeys.clear();
    }

    private void apply(String message) {
        int colon = message.indexOf(':');
        String kind = colon < 0 ? message : message.substring(0, colon);
        String id = colon < 0 ? "" : message.substring(colon + 1);
        switch (kind) {
            case "account" -> accounts.remove(id);
            case "session" -> sessions.remove(id);
            case "sessions-of" -> sessions.values().removeIf(e -> e.value().map(s -> s.userId().equals(id)).orElse(false));
            case "api-keys" -> apiKeys.clear();
            default -> LOG.fine("unknown invalidation " + message);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
