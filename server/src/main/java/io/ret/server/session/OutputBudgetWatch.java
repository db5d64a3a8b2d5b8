package io.ret.server.session;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds one job's writing to its {@link OutputBudget}: measures the job's staging directory
 * on a short interval (so the writers need no hook), together with what the user's other
 * session files already take and the volume's free space. Once a limit is crossed,
 * {@link #exceeded()} says which; the job then stops (through its cancel check) and removes
 * its staging directory. The overshoot is what the job writes in one interval.
 */
public final class OutputBudgetWatch implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(200);

    private final OutputBudget budget;
    private final Path staging;
    private final Path volume;
    private final long otherUserBytes;
    private final AtomicLong written = new AtomicLong();
    private final Thread watcher;
    private volatile String exceeded;

    private OutputBudgetWatch(OutputBudget budget, Path staging, Path volume, long otherUserBytes) {
        this.budget = budget;
        this.staging = staging;
        this.volume = volume;
        this.otherUserBytes = otherUserBytes;
        measure();
        this.watcher = Thread.ofVirtual().name("output-budget").start(this::watch);
    }

    /**
     * @param ownerSessionDirs the directories of every session of the job's owner (the
     *                         staging directory inside one of them is counted as the job's)
     */
    public static OutputBudgetWatch start(OutputBudget budget, Path staging, Path volume,
                                          Collection<Path> ownerSessionDirs) {
        long other = 0;
        for (Path dir : ownerSessionDirs) {
            other += sizeOf(dir, staging);
        }
        return new OutputBudgetWatch(budget, staging, volume, other);
    }

    /** Why the job must stop, or null while it is within its budget (as of the last measurement). */
    public String exceeded() {
        return exceeded;
    }

    /** Measures now (a job that finished between two measurements is held to its budget too). */
    public String checkNow() {
        if (exceeded == null) {
            measure();
        }
        return exceeded;
    }

    /** Bytes in the staging directory at the last measurement. */
    public long written() {
        return written.get();
    }

    private void watch() {
        try {
            while (exceeded == null && !Thread.currentThread().isInterrupted()) {
                Thread.sleep(INTERVAL);
                measure();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void measure() {
        long bytes = sizeOf(staging, null);
        written.set(bytes);
        if (bytes > budget.perJobBytes()) {
            exceeded = "the job wrote more than its output budget of " + budget.perJobBytes() + " bytes";
        } else if (otherUserBytes + bytes > budget.perUserBytes()) {
            exceeded = "the owner's session files would exceed their budget of " + budget.perUserBytes()
                    + " bytes (" + otherUserBytes + " already used)";
        } else {
            long free = freeBytes();
            if (free >= 0 && free < budget.freeDiskFloorBytes()) {
                exceeded = "session storage is down to " + free + " free bytes, under the floor of "
                        + budget.freeDiskFloorBytes();
            }
        }
    }

    private long freeBytes() {
        try {
            return Files.getFileStore(volume).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Bytes of regular files under {@code dir}, leaving out uploaded archives and {@code skip}. */
    static long sizeOf(Path dir, Path skip) {
        AtomicLong total = new AtomicLong();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return d.equals(skip) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().equals("archive.zip")) {
                        total.addAndGet(attrs.size());
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed while walking
                }
            });
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            // a directory that vanished mid-walk: what was counted stands
        }
        return total.get();
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
