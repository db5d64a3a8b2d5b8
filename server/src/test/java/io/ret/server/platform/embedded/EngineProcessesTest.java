package io.ret.server.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leftover engines are found by real processes' /proc entries: only a process of the engine's
 * binary that runs in (or names) the runtime directory counts; the same binary on another
 * directory, on a directory whose name merely starts the same, or another binary in the
 * directory is left alone.
 */
class EngineProcessesTest {
    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(Process::destroyForcibly);
    }

    private Process run(Path binary, Path cwd) throws Exception {
        Process process = new ProcessBuilder(binary.toString(), "120").directory(cwd.toFile()).start();
        started.add(process);
        return process;
    }

    @Test
    void onlyTheEngineOfThisRuntimeDirectoryIsStopped() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path engine = Files.copy(Path.of("/bin/sleep"), bin.resolve("fake-engine"));
        engine.toFile().setExecutable(true);
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        Path sibling = Files.createDirectories(dir.resolve("runtime2"));
        Path other = Files.createDirectories(dir.resolve("other"));
        Path pidFile = runtime.resolve("fake-engine.pid");

        Process leftover = run(engine, runtime);
        Files.writeString(pidFile, Long.toString(leftover.pid()));
        Process onSibling = run(engine, sibling);
        Process onOther = run(engine, other);
        Process otherBinary = run(Path.of("/bin/sleep"), runtime);

        int stopped = EngineProcesses.stopLeftovers("fake-engine", pidFile, runtime, 10);

        assertThat(stopped).isEqualTo(1);
        assertThat(leftover.waitFor(10, TimeUnit.SECONDS)).as("the leftover ended").isTrue();
        assertThat(onSibling.isAlive()).as("same binary on runtime2").isTrue();
        assertThat(onOther.isAlive()).as("same binary on another directory").isTrue();
        assertThat(otherBinary.isAlive()).as("another binary in the runtime directory").isTrue();
        assertThat(pidFile).doesNotExist();
    }
}
