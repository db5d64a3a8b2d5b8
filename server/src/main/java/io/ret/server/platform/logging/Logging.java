package io.ret.server.platform.logging;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;

/**
 * Installs logging.properties from the classpath unless the JVM was given its own. It is read
 * when java.util.logging starts, not before: starting it scans every jar of the class path for a
 * {@code System.LoggerFinder} (about a third of a CPU second with the server's 190 jars), and a
 * local {@code ret convert} or {@code ret diff} logs nothing, so it never pays for that.
 */
public final class Logging {
    private static final String CONFIG_CLASS = "java.util.logging.config.class";

    private Logging() {
    }

    /** Call first thing in main, before any class touches java.util.logging. */
    public static void configure() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", RetLogManager.class.getName());
        }
        if (System.getProperty("java.util.logging.config.file") != null || System.getProperty(CONFIG_CLASS) != null) {
            return;
        }
        System.setProperty(CONFIG_CLASS, Configuration.class.getName());
    }

    /** Named by java.util.logging.config.class: LogManager makes one when it starts, to read its configuration. */
    public static final class Configuration {
        public Configuration() throws IOException {
            try (InputStream in = Logging.class.getResourceAsStream("/logging.properties")) {
                if (in != null) {
                    LogManager.getLogManager().readConfiguration(in);
                }
            }
        }
    }
}
