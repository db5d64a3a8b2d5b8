package io.ret.server.platform.logging;

import java.io.IOException;
import java.util.logging.LogManager;

/**
 * Keeps logging alive during shutdown. The JDK's LogManager resets (closes
 * every handler) in its own shutdown hook, which races the server's hook and
 * loses the shutdown log lines; this one resets only when asked to at the end.
 */
public final class RetLogManager extends LogManager {
    /** This manager once java.util.logging has started (read its configuration); null while nothing has logged. */
    private static volatile RetLogManager started;
    private volatile boolean finished;

    @Override
    public void readConfiguration() throws IOException {
        started = this;
        super.readConfiguration();
    }

    @Override
    public void reset() {
        if (finished || !shuttingDown()) {
            super.reset();
        }
    }

    /**
     * Flushes and closes the handlers; the last thing the server's shutdown does. Does not start
     * java.util.logging when nothing has (see {@link Logging}).
     */
    public static void finish() {
        RetLogManager manager = started;
        if (manager != null) {
            manager.finished = true;
            manager.reset();
        }
    }

    private static boolean shuttingDown() {
        try {
            Thread hook = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(hook);
            Runtime.getRuntime().removeShutdownHook(hook);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
