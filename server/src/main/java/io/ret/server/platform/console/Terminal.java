package io.ret.server.platform.console;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether this process talks to a person at a terminal (progress bars, prompts) or to a script. */
public final class Terminal {
    private Terminal() {
    }

    /**
     * True when standard input and output are a terminal. From JDK 22 {@link System#console()} also
     * returns a console for redirected streams; {@code Console.isTerminal()} (22+) then tells the
     * difference. It is called reflectively because the code is compiled for release 21.
     */
    public static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a console exists only for a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
