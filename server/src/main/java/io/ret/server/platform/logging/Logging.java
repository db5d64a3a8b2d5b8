package io.ret.server.platform.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/** Installs logging.properties from the classpath unless the JVM was given its own. */
public final class Logging {
    private Logging() {
    }

    /** Call first thing in main, before any class touches java.util.logging. */
    public static void configure() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", RetLogManager.class.getName());
        }
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (InputStream in = Logging.class.getResourceAsStream("/logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read logging.properties", e);
        }
    }
}
