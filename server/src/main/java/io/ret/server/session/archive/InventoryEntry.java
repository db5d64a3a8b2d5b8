package io.ret.server.session.archive;

/**
 * One entry of an archive.
 *
 * @param path            normalised path inside the archive, '/'-separated, never absolute
 * @param sizeBytes       uncompressed bytes: counted by decompressing in
 *                        {@link ArchiveInspector#inspect}, as declared by the header in
 *                        {@link ArchiveReader#inventory()}, 0 for skipped entries
 * @param compressedBytes bytes the entry occupies in the archive (its size for a directory source)
 * @param skipReason      why a {@link EntryKind#SKIPPED} entry is not read; null otherwise
 */
public record InventoryEntry(String path, EntryKind kind, long sizeBytes, long compressedBytes, String skipReason) {

    public boolean isData() {
        return kind != EntryKind.SKIPPED;
    }
}
