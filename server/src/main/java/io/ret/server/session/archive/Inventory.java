package io.ret.server.session.archive;

import java.util.List;

/**
 * The entries of an accepted archive, sorted by path.
 *
 * @param uncompressedBytes sum of {@link InventoryEntry#sizeBytes()} over the data entries
 */
public record Inventory(ArchiveKind kind, List<InventoryEntry> entries, long uncompressedBytes) {

    public Inventory {
        entries = List.copyOf(entries);
    }

    /** The entries that will be read: XML entries of an XML archive, CSV entries of a CSV archive. */
    public List<InventoryEntry> dataEntries() {
        return entries.stream().filter(InventoryEntry::isData).toList();
    }
}
