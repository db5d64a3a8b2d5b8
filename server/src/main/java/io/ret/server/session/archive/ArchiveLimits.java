package io.ret.server.session.archive;

/**
 * What an uploaded archive may hold. Sizes are uncompressed bytes; the ratio is
 * uncompressed bytes over compressed bytes of one entry.
 *
 * @param maxEntries          entries in the archive, directories and junk included
 * @param maxEntryBytes       uncompressed bytes of one entry
 * @param maxTotalBytes       uncompressed bytes of all entries read
 * @param maxCompressionRatio uncompressed over compressed bytes of one entry, checked once
 *                            an entry is past {@link #RATIO_GRACE_BYTES} (small files of
 *                            repeated characters compress far better than real data)
 */
public record ArchiveLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, double maxCompressionRatio) {

    /** An entry is held to the ratio only once it has produced this many bytes. */
    public static final long RATIO_GRACE_BYTES = 1L << 20;

    public ArchiveLimits {
        if (maxEntries < 1 || maxEntryBytes < 1 || maxTotalBytes < 1 || !(maxCompressionRatio >= 1)) {
            throw new IllegalArgumentException("archive limits must be positive (ratio at least 1): " + maxEntries
                    + ", " + maxEntryBytes + ", " + maxTotalBytes + ", " + maxCompressionRatio);
        }
    }

    /** 10,000 entries, 1 GiB per entry, 10 GiB in all, ratio 100. */
    public static ArchiveLimits defaults() {
        return new ArchiveLimits(10_000, 1L << 30, 10L << 30, 100);
    }
}
