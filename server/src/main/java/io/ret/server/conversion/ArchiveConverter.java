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
 * output directory, one file at a time and streaming, under the archive's limits. A file
 * that cannot be converted fails alone and leaves nothing; the conversion as a whole
 * fails (and removes everything it wrote) only when the archive is refused, a limit is
 * crossed while reading, the output cannot be written, or it is cancelled.
 * Thread-safe: each call is independent.
 */
public final class ArchiveConverter {

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
        OutputFiles files = new OutputFiles(outDir.toRealPath());
        try (ArchiveReader reader = ArchiveReader.open(archive, limits)) {
            return convert(reader, files, progress);
        } catch (IOException | RuntimeException | Error e) {
            removeAll(files, outDir, madeOutDir, e);
            if (e instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause(); // FastCSV reports write failures unchecked
            }
            throw e;
        }
    }

    private ConversionSummary convert(ArchiveReader reader, OutputFiles files, ConversionProgress progress)
            throws IOException {
        Inventory inventory = reader.inventory();
        if (inventory.kind() != ArchiveKind.XML) {
            throw new ArchiveRejectedException(ArchiveRejectedException.Reason.NO_DATA_ENTRIES, null,
                    "the archive holds no .xml file to convert (it is an archive of CSV files)");
        }
        List<InventoryEntry> xmlFiles = inventory.dataEntries();
        progress.start(inventory.uncompressedBytes());
        FileConverter converter = new FileConverter(options, progress, files);
        List<TableOutput> outputs = new ArrayList<>();
        List<FileFailure> failures = new ArrayList<>();
        for (InventoryEntry entry : xmlFiles) {
            if (progress.cancelled()) {
                throw new ConversionCancelledException();
            }
            try (InputStream xml = reader.openEntry(entry)) {
                outputs.addAll(converter.convert(entry.path(), xml));
            } catch (FileConversionException e) {
                failures.add(e.toFailure(entry.path()));
            }
        }
        long rows = outputs.stream().mapToLong(TableOutput::rows).sum();
        long bytes = outputs.stream().mapToLong(TableOutput::bytes).sum();
        int failed = (int) failures.stream().map(FileFailure::path).distinct().count();
        return new ConversionSummary(xmlFiles.size(), xmlFiles.size() - failed, failed, rows, bytes, outputs, failures);
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
}
