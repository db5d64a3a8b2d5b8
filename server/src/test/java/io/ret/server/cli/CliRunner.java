package io.ret.server.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.ret.server.Main;

/**
 * Runs {@code ret} in-process: the real picocli command tree with captured standard streams, a
 * given standard input, a config directory of the test's own, and a terminal or not.
 */
final class CliRunner {
    private final Map<String, String> env = new HashMap<>();
    private boolean interactive;
    private String password;
    private Interrupts interrupts = new Interrupts();

    CliRunner(String server, Path configHome) {
        env.put("RET_SERVER", server);
        env.put("XDG_CONFIG_HOME", configHome.toString());
    }

    CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** As if a person sat at a terminal: progress bars, prompts, watching by default. */
    CliRunner terminal(boolean on) {
        this.interactive = on;
        return this;
    }

    /** What the person types at the (echo-less) password prompt. */
    CliRunner typedPassword(String password) {
        this.password = password;
        return this;
    }

    CliRunner interrupts(Interrupts interrupts) {
        this.interrupts = interrupts;
        return this;
    }

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    Result run(String... args) {
        return runWithInput("", args);
    }

    Result runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context = new CliContext(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                interactive, prompt -> Optional.ofNullable(password).map(String::toCharArray), interrupts);
        int code = Main.commandLine(context).execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
