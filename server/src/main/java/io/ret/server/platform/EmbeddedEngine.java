package io.ret.server.platform;

/**
 * An engine the server started itself (embedded MariaDB, bundled redis-server): it can tell
 * whether its process still lives and start it again, same port and data, when it died.
 */
public interface EmbeddedEngine extends AutoCloseable {

    /** "mariadb" or "redis", as in ops events. */
    String name();

    /** Whether its process is running. */
    boolean alive();

    /** Starts it again after its process died. */
    void restart();

    @Override
    void close();
}
