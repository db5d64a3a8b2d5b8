package io.ret.server.platform.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import redis.embedded.RedisServer;

/** The redis-server binary bundled in embedded-redis, on loopback, data under one directory. */
public final class EmbeddedRedis implements AutoCloseable {
    private final Path home;
    private final int port;
    private RedisServer server;

    private EmbeddedRedis(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /** @param port 0 picks a free port */
    public static EmbeddedRedis start(Path home, int port) {
        try {
            Files.createDirectories(home);
            EmbeddedRedis redis = new EmbeddedRedis(home, port == 0 ? EmbeddedMariaDb.freePort() : port);
            redis.restart();
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded Redis under " + home + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again), same port and data directory. */
    public synchronized void restart() {
        server = RedisServer.builder()
                .bind("127.0.0.1")
                .port(port)
                .setting("dir " + home.toAbsolutePath())
                .setting("save 300 1")
                .setting("appendonly no")
                .setting("protected-mode yes")
                .build();
        server.start();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
