package io.ret.server.session.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ret.server.session.archive.ArchiveRejectedException.Reason;

/**
 * Collects an archive's entries as its directory lists them and checks everything
 * that can be checked before reading: entry count, names, duplicates, declared sizes
 * and ratios. The actual bytes are held to the same limits while reading.
 */
final class InventoryBuilder {

    private record Candidate(String path, EntryKind kind, long declaredSize, long compressedBytes, String skipReason) {
    }

    private final ArchiveLimits limits;
    private final List<Candidate> candidates = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();

    InventoryBuilder(ArchiveLimits limits) {
        this.limits = limits;
    }

    /**
     * @param skipReason   why the entry is not read whatever its name (directory, link), or null
     * @param declaredSize uncompressed size from the header, or -1 when unknown
     * @return the normalised path
     */
    String add(String rawName, String skipReason, long declaredSize, long compressedBytes) throws ArchiveRejectedException {
        if (candidates.size() >= limits.maxEntries()) {
            throw new ArchiveRejectedException(Reason.TOO_MANY_ENTRIES, null,
                    "the archive has more than " + limits.maxEntries() + " entries");
        }
        String path = EntryNames.normalise(rawName);
        if (!paths.add(path)) {
            throw new ArchiveRejectedException(Reason.DUPLICATE_ENTRY, path,
                    "entry '" + EntryNames.printable(path) + "' appears more than once");
        }
        String reason = skipReason != null ? skipReason : EntryNames.junkReason(path);
        EntryKind kind = reason != null ? EntryKind.SKIPPED : EntryNames.kindOf(path);
        candidates.add(new Candidate(path, kind, declaredSize, compressedBytes, reason));
        return path;
    }

    /** Decides the archive's kind, skips CSV beside XML, and checks the declared sizes of what will be read. */
    Inventory build() throws ArchiveRejectedException {
        boolean anyXml = candidates.stream().anyMatch(c -> c.kind() == EntryKind.XML);
        boolean anyCsv = candidates.stream().anyMatch(c -> c.kind() == EntryKind.CSV);
        if (!anyXml && !anyCsv) {
            throw new ArchiveRejectedException(Reason.NO_DATA_ENTRIES, null,
                    "the archive holds no .xml or .csv file");
        }
        ArchiveKind kind = anyXml ? ArchiveKind.XML : ArchiveKind.CSV;
        List<InventoryEntry> entries = new ArrayList<>(candidates.size());
        long total = 0;
        long compressedTotal = 0;
        for (Candidate c : candidates) {
            if (c.kind() == EntryKind.CSV && kind == ArchiveKind.XML) {
                entries.add(new InventoryEntry(c.path(), EntryKind.SKIPPED, 0, c.compressedBytes(),
                        "CSV file in an XML archive: only the XML files are converted"));
                continue;
            }
            if (c.kind() == EntryKind.SKIPPED) {
                entries.add(new InventoryEntry(c.path(), EntryKind.SKIPPED, 0, c.compressedBytes(), c.skipReason()));
                continue;
            }
            long size = Math.max(0, c.declaredSize());
            checkDeclared(c.path(), size, c.compressedBytes());
            total += size;
            compressedTotal += Math.max(0, c.compressedBytes());
            if (total > limits.maxTotalBytes()) {
                throw new ArchiveRejectedException(Reason.TOTAL_TOO_LARGE, null, "the archive declares more than "
                        + limits.maxTotalBytes() + " bytes uncompressed");
            }
            entries.add(new InventoryEntry(c.path(), c.kind(), size, c.compressedBytes(), null));
        }
        if (total > limits.allowedExpansion(compressedTotal, ArchiveLimits.ARCHIVE_RATIO_SLACK_BYTES)) {
            throw new ArchiveRejectedException(Reason.COMPRESSION_RATIO, null, "the archive declares " + total
                    + " bytes uncompressed from " + compressedTotal + " compressed, over the ratio of "
                    + limits.maxCompressionRatio() + " for the archive as a whole");
        }
        entries.sort(Comparator.comparing(InventoryEntry::path));
        return new Inventory(kind, entries, total);
    }

    private void checkDeclared(String path, long size, long compressed) throws ArchiveRejectedException {
        if (size > limits.maxEntryBytes()) {
            throw new ArchiveRejectedException(Reason.ENTRY_TOO_LARGE, path, "entry '" + EntryNames.printable(path)
                    + "' declares " + size + " bytes uncompressed, over the limit of " + limits.maxEntryBytes());
        }
        if (size > limits.allowedExpansion(compressed, ArchiveLimits.ENTRY_RATIO_SLACK_BYTES)) {
            throw new ArchiveRejectedException(Reason.COMPRESSION_RATIO, path, "entry '" + EntryNames.printable(path)
                    + "' declares " + size + " bytes from " + compressed + " compressed, over the ratio of "
                    + limits.maxCompressionRatio());
        }
    }
}
