package io.ret.server.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.ret.server.platform.console.Terminal;

/**
 * What a command may touch of the outside world: environment, standard streams, the terminal,
 * the config directory and Ctrl-C. Main passes the real ones; tests pass their own, so a command
 * runs in-process with captured streams and a simulated terminal.
 */
public final class CliContext {
    private final Map<String, String> env;
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final PasswordReader passwords;
    private final Interrupts interrupts;

    /** Reads a password without echo; empty when there is no terminal to ask on. */
    @FunctionalInterface
    public interface PasswordReader {
        Optional<char[]> read(String prompt);
    }

    public CliContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err, boolean interactive,
                      PasswordReader passwords, Interrupts interrupts) {
        this.env = Map.copyOf(env);
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
        this.err = err;
        this.interactive = interactive;
        this.passwords = passwords;
        this.interrupts = interrupts;
    }

    /** The process's own streams, environment and terminal. */
    public static CliContext system(PrintStream out, PrintStream err) {
        boolean interactive = Terminal.interactive();
        PasswordReader passwords = prompt -> {
            Console console = System.console();
            return interactive && console != null ? Optional.ofNullable(console.readPassword("%s", prompt))
                    : Optional.empty();
        };
        return new CliContext(System.getenv(), System.in, out, err, interactive, passwords, Interrupts.system());
    }

    public Optional<String> env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** True when a person is at a terminal: progress bars, prompts, watching by default. */
    public boolean interactive() {
        return interactive;
    }

    /** One line of standard input, or null at its end. */
    public String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    public PasswordReader passwords() {
        return passwords;
    }

    public Interrupts interrupts() {
        return interrupts;
    }

    /** $XDG_CONFIG_HOME/ret, else ~/.config/ret. */
    public Path configDir() {
        return env("XDG_CONFIG_HOME").map(Path::of)
                .orElseGet(() -> Path.of(env("HOME").orElse(System.getProperty("user.home")), ".config"))
                .resolve("ret");
    }
}
