package io.ret.server.platform.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Engine processes left running by an earlier run of the same runtime directory (the server
 * was killed with SIGKILL, or the JVM died, so nobody stopped them): found by the engine's
 * pid file and by scanning /proc, and stopped before a new engine starts on that directory.
 * A process is taken as ours only if it is the engine binary and its command line names the
 * directory or it runs inside it (its cwd), so engines of other runtime directories, other
 * worktrees or other users are never touched.
 */
final class EngineProcesses {
    private static final Logger LOG = Logger.getLogger(EngineProcesses.class.getName());
    private static final Path PROC = Path.of("/proc");

    private EngineProcesses() {
    }

    /**
     * Stops every leftover process of {@code dir} whose binary matches the regex {@code binary}: SIGTERM, then SIGKILL if it
     * has not ended after {@code grace}. Removes the stale pid file.
     *
     * @return how many were stopped
     */
    static int stopLeftovers(String binary, Path pidFile, Path dir, long graceSeconds) {
        Set<ProcessHandle> found = new LinkedHashSet<>();
        readPid(pidFile).ifPresent(pid -> ProcessHandle.of(pid).filter(p -> belongsTo(p, binary, dir)).ifPresent(found::add));
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> belongsTo(p, binary, dir)).forEach(found::add);
        for (ProcessHandle process : found) {
            String name = process.info().command().map(c -> Path.of(c).getFileName().toString()).orElse(binary);
            LOG.warning("stopping " + name + " (pid " + process.pid() + ") left running on " + dir
                    + " by an earlier run that did not shut down");
            process.destroy();
            try {
                process.onExit().get(graceSeconds, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                process.destroyForcibly();
                try {
                    process.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot stop leftover " + binary + " (pid " + process.pid() + ")", e);
                }
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.warning("cannot remove stale pid file " + pidFile + ": " + e.getMessage());
        }
        return found.size();
    }

    static OptionalLong readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).trim();
            return text.matches("\\d{1,10}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The live process of a pid file, if it still belongs to {@code dir}. */
    static Optional<ProcessHandle> live(Path pidFile, String binary, Path dir) {
        OptionalLong pid = readPid(pidFile);
        return pid.isEmpty() ? Optional.empty()
                : ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive).filter(p -> belongsTo(p, binary, dir));
    }

    /** Its binary's file name matches the regex {@code binary} and it names {@code dir} on its command line or runs in it. */
    static boolean belongsTo(ProcessHandle process, String binary, Path dir) {
        List<String> args = commandLine(process.pid());
        if (args.isEmpty() || args.getFirst().isEmpty()
                || !Path.of(args.getFirst()).getFileName().toString().matches(binary)) {
            return false;
        }
        String root = dir.toAbsolutePath().normalize().toString();
        for (String arg : args) {
            int at = arg.indexOf(root);
            if (at >= 0) {
                int end = at + root.length();
                if (end == arg.length() || arg.charAt(end) == '/') {
                    return true;
                }
            }
        }
        try {
            return Files.readSymbolicLink(PROC.resolve(Long.toString(process.pid())).resolve("cwd")).equals(Path.of(root));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // another user's process, or gone
        }
    }

    private static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
