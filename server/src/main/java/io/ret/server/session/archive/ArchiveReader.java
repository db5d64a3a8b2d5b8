package io.ret.server.session.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Safe read access to an uploaded archive: a ZIP file, or (for local use) a directory
 * tree. Opening checks the archive's directory (entry count, names, duplicates,
 * encryption, declared sizes) without decompressing anything; every entry stream then
 * holds the actual bytes to the same limits, so a lying header or a file changed on
 * disk cannot get past them. Entries may be read by several threads at once (the total
 * is counted across them); each stream by one thread.
 */
public sealed interface ArchiveReader extends Closeable permits ZipArchiveReader, DirectoryArchiveReader {

    /** Opens a ZIP file or a directory; throws {@link ArchiveRejectedException} for a refused one. */
    static ArchiveReader open(Path archive, ArchiveLimits limits) throws IOException {
        return Files.isDirectory(archive)
                ? DirectoryArchiveReader.open(archive, limits)
                : ZipArchiveReader.open(archive, limits);
    }

    /** The entries, with sizes as declared by the archive's directory. */
    Inventory inventory();

    /**
     * The uncompressed bytes of a data entry, limited: reading past a limit throws
     * {@link ArchiveRejectedException}, and so does a checksum or size mismatch at the end
     * ({@code CORRUPT_ENTRY}). The caller closes the stream.
     */
    InputStream openEntry(InventoryEntry entry) throws IOException;
}
