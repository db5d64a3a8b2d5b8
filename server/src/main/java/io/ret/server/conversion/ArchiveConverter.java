package io.ret.server.conversion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
 * <p>Files are scanned (the first pass, about three quarters of the work) by up to one
 * thread per core, at most four, while the calling thread writes the tables of the
 * scanned files in path order. Scanners run at most one file more than their number
 * ahead of the writer, so few spill files exist at once. Outputs are named and written
 * in path order, so the result does not depend on timing.
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

    private final ConversionOptions options;
    private final ArchiveLimits limits;
    private final int maxScanners;

    public ArchiveConverter(ConversionOptions options, ArchiveLimits limits) {
        this(options, limits, Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4));
    }

    /** With at most {@code maxScanners} scanning threads (tests use this to force more than the cores). */
    ArchiveConverter(ConversionOptions options, ArchiveLimits limits, int maxScanners) {
        this.options = options;
        this.limits = limits;
        this.maxScanners = maxScanners;
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
                throw unchecked.getCause(); // a directory walk reports failures unchecked
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
        progress.filesDone(0, xmlFiles.size());
        FileConverter converter = new FileConverter(options, progress, outDir);
        int scanners = Math.clamp(xmlFiles.size(), 1, maxScanners);
        ScanSlots<Step> slots = new ScanSlots<>(xmlFiles.size(), scanners + 1);
        List<Thread> scanning = new ArrayList<>();
        for (int i = 1; i <= scanners; i++) {
            scanning.add(Thread.ofPlatform().name("ret-convert-scan-" + i).daemon()
                    .start(() -> scanFiles(reader, xmlFiles, converter, slots, progress)));
        }
        List<TableOutput> outputs = new ArrayList<>();
        List<FileFailure> failures = new ArrayList<>();
        try {
            for (int file = 0; file < xmlFiles.size(); file++) {
                switch (take(slots, file, progress)) {
                    case Read read -> {
                        try {
                            outputs.addAll(converter.write(read.scanned(), files));
                        } catch (FileConversionException e) {
                            failures.add(e.toFailure(read.scanned().sourcePath()));
                        }
                    }
                    case Failed failed -> failures.add(failed.failure());
                    case Stopped stopped -> throw rethrow(stopped.cause());
                }
                progress.filesDone(file + 1, xmlFiles.size());
            }
        } finally {
            progress.stop();
            List<Step> neverWritten = slots.stop(); // a scanner still at work deletes its own spill
            scanning.forEach(ArchiveConverter::join);
            for (Step left : neverWritten) {
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

    /** A scanning thread: claims files in order and scans them until none is left or the conversion stops. */
    private static void scanFiles(ArchiveReader reader, List<InventoryEntry> xmlFiles, FileConverter converter,
            ScanSlots<Step> slots, SerialProgress progress) {
        for (int file; (file = slots.claim()) >= 0; ) {
            Step step = scan(reader, xmlFiles.get(file), converter, progress);
            if (step instanceof Stopped) {
                slots.closeClaims();
            }
            if (!slots.put(file, step)) {
                if (step instanceof Read read) {
                    deleteQuietly(read.scanned().spill());
                }
                return;
            }
        }
    }

    /** One file's first pass; a problem of the file is its own failure, anything else stops the conversion. */
    private static Step scan(ArchiveReader reader, InventoryEntry entry, FileConverter converter,
            SerialProgress progress) {
        try (InputStream xml = reader.openEntry(entry)) {
            if (progress.cancelled()) {
                throw new ConversionCancelledException();
            }
            return new Read(converter.scan(entry.path(), xml));
        } catch (FileConversionException e) {
            return new Failed(e.toFailure(entry.path()));
        } catch (IOException | RuntimeException | Error e) {
            return new Stopped(e);
        }
    }

    private static Step take(ScanSlots<Step> slots, int file, SerialProgress progress) {
        try {
            Step step;
            while ((step = slots.poll(file, 50)) == null) {
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
     * The caller's progress, called by one thread at a time (the threads of a
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
        public synchronized void filesDone(int done, int total) {
            delegate.filesDone(done, total);
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

        /** The writing side is done, or gave up: the scanners stop at their next check. */
        void stop() {
            stopped = true;
        }
    }
}
