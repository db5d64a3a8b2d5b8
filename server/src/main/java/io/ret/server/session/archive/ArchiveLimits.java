package io.ret.server.session.archive;

/**
 * What an uploaded archive may hold. Sizes are uncompressed bytes; the ratio is
 * uncompressed bytes over compressed bytes, held both per entry and over the whole
 * archive (all data entries' uncompressed bytes over all their compressed bytes), so
 * many entries that each stay small cannot add up to a bomb.
 *
 * @param maxEntries          entries in the archive, directories and junk included
 * @param maxEntryBytes       uncompressed bytes of one entry
 * @param maxTotalBytes       uncompressed bytes of all entries read
 * @param maxCompressionRatio uncompressed over compressed bytes, of every entry (plus
 *                            {@link #ENTRY_RATIO_SLACK_BYTES}) and of the archive as a whole
 *                            (plus {@link #ARCHIVE_RATIO_SLACK_BYTES})
 */
public record ArchiveLimits(int maxEntries, long maxEntryBytes, long maxTotalBytes, double maxCompressionRatio) {

    /**
     * An entry may expand to its compressed size times the ratio plus this much: a tiny file
     * (a few rows of repeated markup) compresses far better than real data, and deflate
     * cannot go below a few bytes. The whole-archive check bounds what many such files add up to.
     */
    public static final long ENTRY_RATIO_SLACK_BYTES = 64L << 10;

    /** The whole archive may expand to its data entries' compressed bytes times the ratio plus this much. */
    public static final long ARCHIVE_RATIO_SLACK_BYTES = 1L << 20;

    public ArchiveLimits {
        if (maxEntries < 1 || maxEntryBytes < 1 || maxTotalBytes < 1 || !(maxCompressionRatio >= 1)) {
            throw new IllegalArgumentException("archive limits must be positive (ratio at least 1): " + maxEntries
                    + ", " + maxEntryBytes + ", " + maxTotalBytes + ", " + maxCompressionRatio);
        }
    }

    /** The most uncompressed bytes that {@code compressed} bytes may become, with {@code slack}. */
    public long allowedExpansion(long compressed, long slack) {
        double allowed = maxCompressionRatio * Math.max(0, compressed) + slack;
        return allowed >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) allowed;
    }

    /** 10,000 entries, 1 GiB per entry, 10 GiB in all, ratio 100. */
    public static ArchiveLimits defaults() {
        return new ArchiveLimits(10_000, 1L << 30, 10L << 30, 100);
    }
}
