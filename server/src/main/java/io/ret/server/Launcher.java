package io.ret.server;

import io.ret.server.cli.CliContext;
import io.ret.server.cli.LocalTools;
import io.ret.server.platform.logging.Logging;
import io.ret.server.platform.logging.RetLogManager;

/**
 * The jar's entry point ({@code java -jar ret-server.jar}, bin/ret): a plain local
 * {@code convert} or {@code diff} runs straight through {@link LocalTools}; everything else goes to
 * {@link Main} and its picocli command tree. Apart from Main because the JVM, checking a main
 * class, loads every type its methods name, and Main names picocli's CommandLine: a tenth of a CPU
 * second for a local tool (picocli's Java 5 classes cannot be in the start-up cache, and finding
 * them opens half the class path).
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        Logging.configure();
        Integer local = LocalTools.run(args, CliContext.system(System.out, System.err));
        if (local == null) {
            Main.main(args);
        } else {
            RetLogManager.finish();
            LocalTools.exit(local);
        }
    }
}
