package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.ret.server.testing.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's journeys as written: the shell blocks marked {@code <!-- journey: NAME -->},
 * in order, under {@code sh -eu}, against a real {@code ret serve} process on its embedded defaults
 * (a first start, so the bootstrap admin's password is in runtime/bootstrap-admin.txt). {@code ret}
 * is the CLI from the test classpath; buf comes from node_modules (CI installs it) or PATH.
 */
class ReadmeJourneyTest {
    private static final Path README = Path.of("..", "README.md");
    private static Path work;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(onPath("jq").isPresent(), "the README journeys use jq");
        work = Path.of("target", "readme-journey", UUID.randomUUID().toString()).toAbsolutePath();
        Map<String, String> env = new HashMap<>();
        for (String key : List.of("RET_DB_URL", "RET_REDIS_URL", "RET_CONFIG_FILE", "RET_BOOTSTRAP_ADMIN_USERNAME",
                "RET_BOOTSTRAP_ADMIN_PASSWORD")) {
            env.put(key, null);
        }
        server = ServerProcess.start(work.resolve("runtime"), env, entry -> true).awaitServing(java.time.Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theCommandLineJourneyRunsAsWritten() throws Exception {
        String log = run("cli", Optional.empty());
        assertThat(log).contains("signed in to").contains("outputs of session").contains("MODIFIED")
                .contains("[1] ").contains("reporter  (user, service");
        assertThat(Files.readString(work.resolve("cli").resolve("orders.diff.csv"))).contains("->");
    }

    @Test
    void theBufCurlJourneyRunsAsWritten() throws Exception {
        Optional<Path> buf = Optional.of(Path.of("..", ".ci", "tools", "node_modules", ".bin", "buf").toAbsolutePath())
                .filter(Files::isExecutable).or(() -> onPath("buf"));
        assumeTrue(buf.isPresent(), "buf is not installed (npm install @bufbuild/buf); .ci/run installs it");
        String log = run("buf", Optional.of(buf.get().getParent()));
        assertThat(log).contains("JOB_STATE_SUCCEEDED").contains("\"citation\"");
        assertThat(Files.readString(work.resolve("buf").resolve("grace.diff.csv"))).contains("->");
    }

    /** Runs the data blocks, then the journey's blocks, in a directory of its own; returns the output. */
    private static String run(String journey, Optional<Path> extraPath) throws Exception {
        Path dir = Files.createDirectories(work.resolve(journey));
        Files.createSymbolicLink(dir.resolve("runtime"), work.resolve("runtime"));
        String java = ServerProcess.javaBinary();
        String script = """
                set -eu
                ret() { "$RET_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$RET_CLASSPATH" io.ret.server.Main "$@"; }
                set -x
                """ + String.join("\n", blocks("data")) + "\n" + String.join("\n", blocks(journey)) + "\n";
        Path file = Files.writeString(dir.resolve("journey.sh"), script);
        Path log = dir.resolve("journey.log");
        ProcessBuilder builder = new ProcessBuilder("sh", file.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        String path = Path.of(java).getParent() + extraPath.map(p -> File.pathSeparator + p).orElse("")
                + File.pathSeparator + System.getenv("PATH");
        builder.environment().put("PATH", path);
        builder.environment().put("RET_JAVA", java);
        builder.environment().put("RET_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("RET_SERVER", "127.0.0.1:" + server.grpcPort());
        builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        builder.environment().remove("RET_TOKEN");
        builder.environment().remove("RET_API_KEY");
        Process process = builder.start();
        if (!process.waitFor(20, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(process.exitValue()).as("the %s journey failed; its output:%n%s", journey, tail(output)).isZero();
        return output;
    }

    /** The fenced blocks that follow a {@code <!-- journey: NAME -->} line. */
    static List<String> blocks(String name) throws Exception {
        List<String> lines = Files.readAllLines(README);
        List<String> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("<!-- journey: " + name + " -->")) {
                int start = i + 1;
                assertThat(lines.get(start).strip()).as("line %d of the README", start + 1).isEqualTo("```sh");
                int end = start + 1;
                while (!lines.get(end).strip().equals("```")) {
                    end++;
                }
                blocks.add(String.join("\n", lines.subList(start + 1, end)));
                i = end;
            }
        }
        assertThat(blocks).as("README blocks marked journey: %s", name).isNotEmpty();
        return blocks;
    }

    private static Optional<Path> onPath(String command) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator)).map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable).findFirst();
    }

    private static String tail(String output) {
        return output.length() <= 20_000 ? output : output.substring(output.length() - 20_000);
    }
}
