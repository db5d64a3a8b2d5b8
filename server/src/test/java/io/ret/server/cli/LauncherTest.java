package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
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

    @Test
    void onJava25TheFirstConvertMakesTheStartUpCacheAndEveryRunAfterUsesIt() throws Exception {
        Path java25 = fakeJava("aot", "25", true, true);
        Path cacheDir = dir.resolve("cache");
        Files.writeString(dir.resolve("app.jar"), "");
        Run first = run(java25, Map.of("RET_AOT_DIR", cacheDir.toString()), "convert", "in", "out");
        assertThat(first.output()).contains("ret: making the start-up cache, once");
        List<Path> caches = aotFiles(cacheDir);
        assertThat(caches).hasSize(1);
        assertThat(caches.getFirst()).hasContent("cache"); // written by the training run
        assertThat(first.output()).contains("ran: --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
                + " -XX:AOTCache=" + caches.getFirst() + " -Xlog:aot*=off -Xlog:cds*=off -jar " + dir.resolve("app.jar")
                + " convert in out");

        Run second = run(java25, Map.of("RET_AOT_DIR", cacheDir.toString()), "whoami");
        assertThat(second.output()).doesNotContain("making")
                .contains("-XX:AOTCache=" + caches.getFirst() + " ").contains(" whoami");
    }

    @Test
    void aStartUpCacheOlderThanTheJarIsMadeAgain() throws Exception {
        Path java25 = fakeJava("aot-stale", "25", true, true);
        Path cacheDir = dir.resolve("cache");
        Path jar = Files.writeString(dir.resolve("app.jar"), "");
        run(java25, Map.of("RET_AOT_DIR", cacheDir.toString()), "convert", "in", "out");
        Path cache = aotFiles(cacheDir).getFirst();
        assertThat(run(java25, Map.of("RET_AOT_DIR", cacheDir.toString()), "convert", "in", "out").output())
                .doesNotContain("making");

        Files.setLastModifiedTime(cache, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5_000)); // an earlier build's
        Run rebuilt = run(java25, Map.of("RET_AOT_DIR", cacheDir.toString()), "convert", "in", "out");
        assertThat(rebuilt.output()).contains("ret: making the start-up cache, once").contains("-XX:AOTCache=" + cache + " ");
        assertThat(aotFiles(cacheDir)).containsExactly(cache);
        assertThat(Files.getLastModifiedTime(cache)).isGreaterThan(Files.getLastModifiedTime(jar));
    }

    @Test
    void anotherCheckoutOfTheSameJavaGetsAStartUpCacheOfItsOwn() throws Exception {
        Path java25 = fakeJava("aot-two", "25", true, true);
        Path cacheDir = dir.resolve("cache");
        Files.writeString(dir.resolve("app.jar"), "");
        Path other = Files.writeString(Files.createDirectories(dir.resolve("other")).resolve("app.jar"), "");
        run(java25, Map.of("RET_AOT_DIR", cacheDir.toString()), "convert", "in", "out");
        Path first = aotFiles(cacheDir).getFirst();

        Run second = run(java25, Map.of("RET_AOT_DIR", cacheDir.toString(), "RET_JAR", other.toString()),
                "convert", "in", "out");
        assertThat(second.output()).contains("ret: making the start-up cache, once").doesNotContain(first.toString());
        assertThat(aotFiles(cacheDir)).hasSize(2).contains(first);
    }

    @Test
    void retAotOffRunsJava25WithoutTheCache() throws Exception {
        Path java25 = fakeJava("aot-off", "25", true, true);
        Files.writeString(dir.resolve("app.jar"), "");
        Run run = run(java25, Map.of("RET_AOT_DIR", dir.resolve("cache").toString(), "RET_AOT", "off"), "convert", "a", "b");
        assertThat(run.output()).doesNotContain("AOTCache").contains("ran: ").contains(" convert a b");
        assertThat(dir.resolve("cache")).doesNotExist();
    }

    @Test
    void aJvmThatCannotMakeTheCacheRunsWithoutOne() throws Exception {
        Path java25 = fakeJava("no-aot", "25", true, false);
        Files.writeString(dir.resolve("app.jar"), "");
        Run run = run(java25, Map.of("RET_AOT_DIR", dir.resolve("cache").toString()), "convert", "a", "b");
        assertThat(run.code()).isZero();
        assertThat(run.output()).doesNotContain("-XX:AOTCache=").contains(" -jar " + dir.resolve("app.jar") + " convert a b");
        assertThat(aotFiles(dir.resolve("cache"))).isEmpty();

        Run explicit = run(java25, Map.of("RET_AOT_DIR", dir.resolve("cache").toString()), "aot-cache");
        assertThat(explicit.code()).isEqualTo(1);
        assertThat(explicit.output()).contains("could not make a start-up cache");
    }

    @Test
    void theReleaseFileOfAJdkGivesItsVersionWithoutStartingIt() throws Exception {
        Path jdk = fakeJava("jdk25", "25", true, true);
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\n"
                + "JAVA_VERSION=\"25.0.3\"\n");
        Files.writeString(dir.resolve("app.jar"), "");
        Run run = run(jdk, Map.of("RET_AOT", "off"), "whoami");
        assertThat(run.output()).contains("ran: --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
                + " -jar " + dir.resolve("app.jar") + " whoami");
        assertThat(jdk.resolve("asked")).doesNotExist();

        Path old = fakeJava("jdk17", "25", true); // answers 25 when asked: the release file must win
        Files.writeString(old.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Run refused = run(old, "--help");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.output()).contains(old.resolve("bin/java") + " is Java 17");
        assertThat(old.resolve("asked")).doesNotExist();
    }

    @Test
    void aLocalConversionOfLessThan128MibRunsWithC1AndTheSerialCollectorAndRetJavaOptsCanSayOtherwise() throws Exception {
        Path java21 = fakeJava("jit", "21", true);
        Files.writeString(dir.resolve("app.jar"), "");
        Path small = Files.createDirectories(dir.resolve("small"));
        Files.writeString(small.resolve("a.xml"), "<r><v>1</v></r>");
        Run local = run(java21, Map.of("RET_JAVA_OPTS", "-Xmx1g"), "convert", "--record", "v", small.toString(), "out");
        assertThat(local.output()).contains("ran: -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn32m -Xmx1g -jar " + dir.resolve("app.jar")
                + " convert --record v " + small + " out");

        Run g1 = run(java21, Map.of("RET_JAVA_OPTS", "-XX:+UseG1GC"), "convert", small.toString(), "out");
        assertThat(g1.output()).contains("ran: -XX:TieredStopAtLevel=1 -XX:+UseG1GC -jar "); // the JVM refuses two collectors

        Run remote = run(java21, "convert", "session-1");
        assertThat(remote.output()).doesNotContain("TieredStopAtLevel").contains(" convert session-1");
        Run diff = run(java21, "diff", small.toString(), small.toString());
        assertThat(diff.output()).doesNotContain("TieredStopAtLevel");
    }

    private static List<Path> aotFiles(Path cacheDir) throws Exception {
        if (!Files.isDirectory(cacheDir)) {
            return List.of();
        }
        try (var files = Files.list(cacheDir)) {
            return files.filter(f -> f.getFileName().toString().matches("ret-\\d+\\.aot")).toList();
        }
    }

    /** A PATH with only what the launcher uses besides java. */
    private Path tools() throws Exception {
        Path tools = dir.resolve("tools");
        if (!Files.isDirectory(tools)) {
            Files.createDirectories(tools);
            for (String tool : List.of("sed", "dirname", "cksum", "cut", "grep", "ls", "mkdir", "mktemp", "mv", "rm",
                    "readlink", "du")) {
                Path found = java.util.stream.Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool))
                        .filter(Files::isExecutable).findFirst().orElseThrow();
                Files.createSymbolicLink(tools.resolve(tool), found);
            }
        }
        return tools;
    }

    /** A directory with bin/java that reports {@code version} and echoes how it was called. */
    private Path fakeJava(String name, String version, boolean withJavac) throws Exception {
        return fakeJava(name, version, withJavac, false);
    }

    /** ... and, with {@code makesAotCache}, writes the file named by -XX:AOTCacheOutput as a JDK 25 does. */
    private Path fakeJava(String name, String version, boolean withJavac, boolean makesAotCache) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name).resolve("bin")).getParent();
        Path java = home.resolve("bin/java");
        Files.writeString(java, """
                #!/bin/sh
                case "$1" in
                  -XshowSettings:properties) : > "${0%%/bin/java}/asked"
                                             echo "    java.specification.version = %s" >&2
                                             echo "    java.home = %s" >&2; exit 0;;
                esac
                for arg in "$@"; do
                  case "$arg" in
                    -XX:AOTCacheOutput=*) echo "training with $*" >&2
                                          [ %s = true ] && echo cache > "${arg#-XX:AOTCacheOutput=}";;
                  esac
                done
                echo "ran: $*"
                """.formatted(version, home, makesAotCache), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (withJavac) {
            Files.copy(java, home.resolve("bin/javac"));
        }
        return home;
    }

    private Run run(Path javaHome, String... args) throws Exception {
        return run(javaHome, Map.of(), args);
    }

    private Run run(Path javaHome, Map<String, String> environment, String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("/bin/sh", LAUNCHER.toString()));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("PATH", tools().toString()); // the launcher's tools, and no other java
        builder.environment().put("RET_JAR", dir.resolve("app.jar").toString());
        builder.environment().remove("RET_AOT");
        builder.environment().remove("RET_AOT_DIR");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
