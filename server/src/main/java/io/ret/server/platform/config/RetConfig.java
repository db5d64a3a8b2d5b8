package io.ret.server.platform.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.ret.server.platform.config.Settings.Secret;

/**
 * The platform's settings, read once at start-up from Helidon config and
 * validated. Feature settings are read by the features themselves from
 * {@link #settings()}.
 */
public record RetConfig(
        Settings settings,
        Path runtimeDir,
        Grpc grpc,
        Observe observe,
        Database database,
        Redis redis,
        RateLimit rateLimit,
        Duration healthInterval) {

    public enum Transport { HELIDON, NETTY }

    public record Grpc(String host, int port, Transport transport, Duration shutdownGrace) {}

    public record Observe(String host, int port) {}

    /** url empty means: start the embedded MariaDB under the runtime directory. */
    public record Database(Optional<String> url, Optional<String> user, Optional<Secret> password,
                           int poolSize, Duration connectTimeout) {
        public boolean embedded() {
            return url.isEmpty();
        }
    }

    /** url empty means: start the bundled redis-server. */
    public record Redis(Optional<Secret> url, Duration timeout) {
        public boolean embedded() {
            return url.isEmpty();
        }
    }

    public record Limit(int calls, Duration period) {}

    public record RateLimit(boolean enabled, Limit defaults, Map<String, Limit> perMethod) {
        public Limit forMethod(String fullMethodName) {
            return perMethod.getOrDefault(fullMethodName, defaults);
        }
    }

    public static RetConfig from(Settings s) {
        Path runtime = Path.of(s.string("ret.runtime.dir")).toAbsolutePath().normalize();
        var grpc = new Grpc(s.string("ret.grpc.host"), s.integer("ret.grpc.port", 0, 65535),
                s.choice("ret.grpc.transport", Transport.class), s.duration("ret.grpc.shutdown.grace", Duration.ZERO));
        var observe = new Observe(s.string("ret.observe.host"), s.integer("ret.observe.port", 0, 65535));
        Optional<String> dbUrl = s.optionalString("ret.db.url");
        dbUrl.ifPresent(url -> {
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("jdbc:mysql:") && !lower.startsWith("jdbc:mariadb:")) {
                throw new ConfigException("ret.db.url", "must be a jdbc:mysql:// URL");
            }
        });
        var database = new Database(dbUrl, s.optionalString("ret.db.user"), s.secret("ret.db.password"),
                s.integer("ret.db.pool.size", 1, 500), s.duration("ret.db.timeout", Duration.ofMillis(250)));
        Optional<Secret> redisUrl = s.secret("ret.redis.url");
        redisUrl.ifPresent(url -> {
            String lower = url.value().toLowerCase(Locale.ROOT);
            if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
                // the URL may carry a password: describe the problem, not the value
                throw new ConfigException("ret.redis.url", "must start with redis:// or rediss://");
            }
        });
        var redis = new Redis(redisUrl, s.duration("ret.redis.timeout", Duration.ofMillis(100)));
        return new RetConfig(s, runtime, grpc, observe, database, redis, rateLimit(s),
                s.duration("ret.health.interval", Duration.ofMillis(50)));
    }

    private static RateLimit rateLimit(Settings s) {
        var defaults = new Limit(s.integer("ret.ratelimit.calls", 1, 1_000_000_000),
                s.duration("ret.ratelimit.period", Duration.ofSeconds(1)));
        Map<String, Limit> perMethod = new TreeMap<>();
        var methods = s.node("ret.ratelimit.methods").asNodeList().orElse(java.util.List.of());
        for (int i = 0; i < methods.size(); i++) {
            String prefix = "ret.ratelimit.methods." + i;
            String method = s.string(prefix + ".method");
            if (!method.matches("[\\w.]+/\\w+")) {
                throw new ConfigException(prefix + ".method", "'" + method + "' is not a full method name like ret.v1.AuthService/Login");
            }
            int calls = s.optionalString(prefix + ".calls").isPresent()
                    ? s.integer(prefix + ".calls", 1, 1_000_000_000) : defaults.calls();
            Duration period = s.optionalString(prefix + ".period").isPresent()
                    ? s.duration(prefix + ".period", Duration.ofSeconds(1)) : defaults.period();
            perMethod.put(method, new Limit(calls, period));
        }
        return new RateLimit(s.bool("ret.ratelimit.enabled"), defaults, Map.copyOf(perMethod));
    }
}
