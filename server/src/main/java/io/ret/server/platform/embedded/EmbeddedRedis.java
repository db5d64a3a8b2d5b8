package io.ret.server.platform.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import redis.embedded.RedisServer;

/** The redis-server binary bundled in embedded-redis, on loopback, data under one directory. */
public final class EmbeddedRedis implements io.ret.server.platform.EmbeddedEngine {
    static final String BINARY = "redis-server.*";
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
            Path dir = home.toAbsolutePath().normalize();
            Files.createDirectories(dir);
            // a server killed outright leaves its redis-server running
            EngineProcesses.stopLeftovers(BINARY, pidFile(dir), dir, 30);
            EmbeddedRedis redis = new EmbeddedRedis(dir, port == 0 ? EmbeddedMariaDb.freePort() : port);
            redis.launch();
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

    /** redis-server writes it and removes it when it shuts down cleanly; it runs in {@code home} (its cwd). */
    static Path pidFile(Path home) {
        return home.resolve("redis-server.pid");
    }

    /** Starts it (again, after {@link #stop()} or after its process died), same port and data directory. */
    @Override
    public synchronized void restart() {
        if (server != null) {
            try {
                server.stop();
            } catch (RuntimeException e) {
                // its process is gone already
            }
            server = null;
        }
        launch();
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public boolean alive() {
        return EngineProcesses.live(pidFile(home), BINARY, home).isPresent();
    }

    /** The redis-server process id, or -1 when it is not running. */
    public long pid() {
        return EngineProcesses.live(pidFile(home), BINARY, home).map(ProcessHandle::pid).orElse(-1L);
    }

    private void launch() {
        server = RedisServer.builder()
                .bind("127.0.0.1")
                .port(port)
                .setting("dir " + home.toAbsolutePath())
                .setting("save 300 1")
                .setting("appendonly no")
                .setting("protected-mode yes")
                .setting("pidfile " + pidFile(home))
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
