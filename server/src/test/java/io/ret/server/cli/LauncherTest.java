package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/ret, the launcher, run by sh with Javas of chosen versions (small scripts that answer like java). */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "bin", "ret").toAbsolutePath();

    @TempDir
    Path dir;

    record Run(int code, String output) {
    }

    @Test
    void withOnlyAnOldJavaItNamesItAndTheVersionItNeeds() throws Exception {
        Path old = fakeJava("old", "17", true);
        Run run = run(old, "--help");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.output()).contains("ret: needs Java 21 or newer").contains(old.resolve("bin/java") + " is Java 17")
                .contains("JAVA_HOME");
    }

    @Test
    void aJava8VersionStringIsReadAsJava8() throws Exception {
        Path old = fakeJava("eight", "1.8", true);
        assertThat(run(old, "--help").output()).contains("is Java 8");
    }

    @Test
    void buildNeedsAJdkNotAJre() throws Exception {
        Path jre = fakeJava("jre", "21", false);
        Run run = run(jre, "build");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.output()).contains("without javac").contains("JDK 21+");
    }

    @Test
    void aNewEnoughJavaRunsTheJarNamedByRetJar() throws Exception {
        Path java21 = fakeJava("ok", "21", true);
        Path jar = Files.writeString(dir.resolve("app.jar"), "");
        Run run = run(java21, "whoami", "--output", "json");
        assertThat(run.output()).contains("ran: -jar " + jar + " whoami --output json");
    }

    /** A PATH with only what the launcher uses besides java. */
    private Path tools() throws Exception {
        Path tools = dir.resolve("tools");
        if (!Files.isDirectory(tools)) {
            Files.createDirectories(tools);
            for (String tool : java.util.List.of("sed", "dirname")) {
                Path found = java.util.stream.Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool))
                        .filter(Files::isExecutable).findFirst().orElseThrow();
                Files.createSymbolicLink(tools.resolve(tool), found);
            }
        }
        return tools;
    }

    /** A directory with bin/java that reports {@code version} and echoes how it was called. */
    private Path fakeJava(String name, String version, boolean withJavac) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name).resolve("bin")).getParent();
        Path java = home.resolve("bin/java");
        Files.writeString(java, """
                #!/bin/sh
                case "$1" in
                  -XshowSettings:properties) echo "    java.specification.version = %s" >&2
                                             echo "    java.home = %s" >&2; exit 0;;
                esac
                echo "ran: $*"
                """.formatted(version, home), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (withJavac) {
            Files.copy(java, home.resolve("bin/javac"));
        }
        return home;
    }

    private Run run(Path javaHome, String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("/bin/sh", LAUNCHER.toString()));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("PATH", tools().toString()); // the launcher's tools, and no other java
        builder.environment().put("RET_JAR", dir.resolve("app.jar").toString());
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
