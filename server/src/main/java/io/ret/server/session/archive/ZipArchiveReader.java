package io.ret.server.session.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipEntry;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.InputStreamStatistics;

import io.ret.server.session.archive.ArchiveRejectedException.Reason;

/** {@link ArchiveReader} over a ZIP file, read by its central directory. */
final class ZipArchiveReader implements ArchiveReader {

    private static final int INFLATE_BUFFER = 64 * 1024;

    private final ZipFile zip;
    private final Inventory inventory;
    private final Map<String, ZipArchiveEntry> byPath;
    private final ArchiveLimits limits;
    private final LimitedInputStream.Total total;

    private ZipArchiveReader(ZipFile zip, Inventory inventory, Map<String, ZipArchiveEntry> byPath, ArchiveLimits limits) {
        this.zip = zip;
        this.inventory = inventory;
        this.byPath = byPath;
        this.limits = limits;
        this.total = new LimitedInputStream.Total(
                inventory.dataEntries().stream().mapToLong(e -> Math.max(0, e.compressedBytes())).sum());
    }

    static ZipArchiveReader open(Path file, ArchiveLimits limits) throws IOException {
        ZipFile zip;
        try {
            // local headers are read lazily, per entry opened
            zip = ZipFile.builder().setPath(file).setIgnoreLocalFileHeader(true).get();
        } catch (IOException | RuntimeException e) {
            throw new ArchiveRejectedException(Reason.NOT_A_ZIP, null, "not a readable ZIP archive: " + rootMessage(e));
        }
        try {
            InventoryBuilder builder = new InventoryBuilder(limits);
            Map<String, ZipArchiveEntry> byPath = new HashMap<>();
            List<ZipArchiveEntry> all = Collections.list(zip.getEntries());
            for (ZipArchiveEntry entry : all) {
                String skip = entry.isDirectory() ? "directory" : entry.isUnixSymlink() ? "symbolic link" : null;
                String path = builder.add(entry.getName(), skip, entry.getSize(), entry.getCompressedSize());
                if (entry.getGeneralPurposeBit().usesEncryption()) {
                    throw new ArchiveRejectedException(Reason.ENCRYPTED_ENTRY, path,
                            "entry '" + EntryNames.printable(path) + "' is encrypted");
                }
                byPath.put(path, entry);
            }
            ZipLayout.check(file, all);
            Inventory inventory = builder.build();
            for (InventoryEntry data : inventory.dataEntries()) {
                ZipArchiveEntry entry = byPath.get(data.path());
                if (!zip.canReadEntryData(entry)) {
                    throw new ArchiveRejectedException(Reason.UNSUPPORTED_COMPRESSION, data.path(), "entry '"
                            + EntryNames.printable(data.path()) + "' uses unsupported compression method " + entry.getMethod());
                }
            }
            return new ZipArchiveReader(zip, inventory, byPath, limits);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    @Override
    public Inventory inventory() {
        return inventory;
    }

    /** Serialised: finding an entry's data may read its local header through the archive's shared position. */
    @Override
    public synchronized InputStream openEntry(InventoryEntry data) throws IOException {
        ZipArchiveEntry entry = byPath.get(data.path());
        if (entry == null || !data.isData()) {
            throw new IllegalArgumentException("not a data entry of this archive: " + data.path());
        }
        InputStream decompressed;
        LongSupplier compressedRead;
        long declaredCompressed = entry.getCompressedSize();
        switch (entry.getMethod()) {
            case ZipEntry.DEFLATED -> {
                // our own inflater: a larger buffer than Commons Compress uses, and its count of real input
                Inflater inflater = new Inflater(true);
                // raw deflate ("nowrap") may want one byte past the data, as Inflater's contract says
                InputStream raw = new SequenceInputStream(zip.getRawInputStream(entry), new ByteArrayInputStream(new byte[1]));
                decompressed = new InflaterInputStream(raw, inflater, INFLATE_BUFFER) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            inflater.end();
                        }
                    }
                };
                compressedRead = inflater::getBytesRead;
            }
            case ZipEntry.STORED -> {
                decompressed = zip.getRawInputStream(entry);
                compressedRead = () -> declaredCompressed;
            }
            default -> {
                decompressed = zip.getInputStream(entry);
                compressedRead = decompressed instanceof InputStreamStatistics stats
                        ? stats::getCompressedCount
                        : () -> declaredCompressed;
            }
        }
        return new LimitedInputStream(decompressed, data.path(), compressedRead, entry.getSize(), entry.getCrc(),
                limits, total);
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
