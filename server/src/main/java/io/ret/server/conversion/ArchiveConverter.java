package io.ret.server.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ret.server.session.archive.ArchiveKind;
import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.session.archive.ArchiveReader;
import io.ret.server.session.archive.ArchiveRejectedException;
import io.ret.server.session.archive.Inventory;
import io.ret.server.session.archive.InventoryEntry;

/**
 * Converts every XML file of an archive (a ZIP file or a directory) into CSV files in an
 * output directory, streaming, under the archive's limits. A file that cannot be
 * converted fails alone and leaves nothing; the conversion as a whole fails (and removes
 * everything it wrote) only when the archive is refused, a limit is crossed while
 * reading, the output cannot be written, or it is cancelled.
 *
 * <p>Files are read in path order on one worker thread while the calling thread writes
 * the previous file's tables (the scan is about three quarters of the work, so on two
 * cores the writing comes almost free). At most two files are in flight, and outputs are
 * named and written in path order, so the result does not depend on timing.
 * Thread-safe: each call is independent.
 */
public final class ArchiveConverter {

    /** What the reading thread hands to the writing one, in file order. */
    private sealed interface Step {
    }

    private record Read(FileConverter.Scanned scanned) implements Step {
    }

    private record Failed(FileFailure failure) implements Step {
    }

    private record Stopped(Throwable cause) implements Step {
    }

    private record Finished() implements Step {
    }

    private final ConversionOptions options;
    private final ArchiveLimits limits;

    public ArchiveConverter(ConversionOptions options, ArchiveLimits limits) {
        this.options = options;
        this.limits = limits;
    }

    /**
     * @param archive  a ZIP file, or a directory of XML files
     * @param outDir   where the CSV files go (created if missing); meant to be a staging
     *                 directory that the caller publishes on success
     * @throws ArchiveRejectedException     the archive is refused, before or while reading
     * @throws ConversionCancelledException {@code progress} asked to stop
     * @throws IOException                  the archive cannot be read or the output written
     */
    public ConversionSummary convert(Path archive, Path outDir, ConversionProgress progress) throws IOException {
        boolean madeOutDir = !Files.isDirectory(outDir);
        Files.createDirectories(outDir);
        Path realOutDir = outDir.toRealPath();
        OutputFiles files = new OutputFiles(realOutDir);
        try (ArchiveReader reader = ArchiveReader.open(archive, limits)) {
            return convert(reader, realOutDir, files, new SerialProgress(progress));
        } catch (IOException | RuntimeException | Error e) {
            removeAll(files, outDir, madeOutDir, e);
            if (e instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause(); // FastCSV reports write failures unchecked
            }
            throw e;
        }
    }

    private ConversionSummary convert(ArchiveReader reader, Path outDir, OutputFiles files, SerialProgress progress)
            throws IOException {
        Inventory inventory = reader.inventory();
        if (inventory.kind() != ArchiveKind.XML) {
            throw new ArchiveRejectedException(ArchiveRejectedException.Reason.NO_DATA_ENTRIES, null,
                    "the archive holds no .xml file to convert (it is an archive of CSV files)");
        }
        List<InventoryEntry> xmlFiles = inventory.dataEntries();
        progress.start(inventory.uncompressedBytes());
        FileConverter converter = new FileConverter(options, progress, outDir);
        BlockingQueue<Step> handOver = new ArrayBlockingQueue<>(1);
        Thread readingThread = Thread.ofPlatform().name("ret-convert-read").daemon()
                .start(() -> read(reader, xmlFiles, converter, handOver, progress));
        List<TableOutput> outputs = new ArrayList<>();
        List<FileFailure> failures = new ArrayList<>();
        try {
            for (Step step = take(handOver, progress); !(step instanceof Finished); step = take(handOver, progress)) {
                switch (step) {
                    case Read read -> {
                        try {
                            outputs.addAll(converter.write(read.scanned(), files));
                        } catch (FileConversionException e) {
                            failures.add(e.toFailure(read.scanned().sourcePath()));
                        }
                    }
                    case Failed failed -> failures.add(failed.failure());
                    case Stopped stopped -> throw rethrow(stopped.cause());
                    case Finished finished -> throw new AssertionError();
                }
            }
        } finally {
            progress.stop(); // no-op after a normal finish: the reading thread is done
            join(readingThread);
            for (Step left : handOver) {
                if (left instanceof Read read) {
                    Files.deleteIfExists(read.scanned().spill());
                }
            }
        }
        long rows = outputs.stream().mapToLong(TableOutput::rows).sum();
        long bytes = outputs.stream().mapToLong(TableOutput::bytes).sum();
        return new ConversionSummary(xmlFiles.size(), xmlFiles.size() - failures.size(), failures.size(), rows, bytes,
                outputs, failures);
    }

    /** The reading thread: every file's first pass, handed over in order; stops at the first fatal problem. */
    private static void read(ArchiveReader reader, List<InventoryEntry> xmlFiles, FileConverter converter,
            BlockingQueue<Step> handOver, SerialProgress progress) {
        for (InventoryEntry entry : xmlFiles) {
            Step step;
            try (InputStream xml = reader.openEntry(entry)) {
                if (progress.cancelled()) {
                    throw new ConversionCancelledException();
                }
                step = new Read(converter.scan(entry.path(), xml));
            } catch (FileConversionException e) {
                step = new Failed(e.toFailure(entry.path()));
            } catch (IOException | RuntimeException | Error e) {
                handOver(handOver, new Stopped(e), progress);
                return;
            }
            if (!handOver(handOver, step, progress)) {
                if (step instanceof Read read) {
                    deleteQuietly(read.scanned().spill());
                }
                return;
            }
        }
        handOver(handOver, new Finished(), progress);
    }

    /** Waits for room, unless the conversion has stopped; true when handed over. */
    private static boolean handOver(BlockingQueue<Step> handOver, Step step, SerialProgress progress) {
        try {
            while (!handOver.offer(step, 50, TimeUnit.MILLISECONDS)) {
                if (progress.stopped()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Step take(BlockingQueue<Step> handOver, SerialProgress progress) {
        try {
            Step step;
            while ((step = handOver.poll(50, TimeUnit.MILLISECONDS)) == null) {
                if (progress.cancelled()) {
                    throw new ConversionCancelledException();
                }
            }
            return step;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConversionCancelledException();
        }
    }

    private static void join(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the reader must be finished before its files are removed
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException rethrow(Throwable cause) throws IOException {
        switch (cause) {
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(cause);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the conversion is stopping; its caller removes the staging directory
        }
    }

    private static void removeAll(OutputFiles files, Path outDir, boolean madeOutDir, Throwable cause) {
        try {
            files.rollback(new OutputFiles.Mark(0, 0));
            if (madeOutDir) {
                Files.deleteIfExists(outDir);
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The caller's progress, called by one thread at a time (the two threads of a
     * conversion share it), and the conversion's own stop signal.
     */
    private static final class SerialProgress implements ConversionProgress {
        private final ConversionProgress delegate;
        private volatile boolean stopped;

        SerialProgress(ConversionProgress delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized void start(long totalBytes) {
            delegate.start(totalBytes);
        }

        @Override
        public synchronized void bytesRead(long delta) {
            delegate.bytesRead(delta);
        }

        @Override
        public boolean cancelled() {
            if (stopped) {
                return true;
            }
            synchronized (this) {
                return delegate.cancelled();
            }
        }

        /** The writing side is done, or gave up: the reading side stops at its next check. */
        void stop() {
            stopped = true;
        }

        boolean stopped() {
            return stopped;
        }
    }
}
