package io.ret.server.session.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

import io.ret.server.session.archive.ArchiveRejectedException.Reason;

/**
 * The decompressed bytes of one entry, counted as they are read. Crossing the entry
 * or total limit, or the compression ratio of the entry or of the whole archive, throws
 * {@link ArchiveRejectedException} at once, so no header value matters for safety. At the end the checksum and the declared
 * size, where known, must match what was read ({@code CORRUPT_ENTRY} otherwise).
 * {@link InputStream#skip} reads through {@link #read(byte[], int, int)}, so skipped
 * bytes are counted too.
 */
final class LimitedInputStream extends InputStream {

    /**
     * Bytes read through every stream of one reader, which may be read by several threads,
     * and the compressed bytes of all the reader's data entries (for the whole-archive ratio;
     * {@code Long.MAX_VALUE} when there is no compression, as in a directory).
     */
    static final class Total {
        private final AtomicLong bytes = new AtomicLong();
        private final long archiveCompressedBytes;

        Total(long archiveCompressedBytes) {
            this.archiveCompressedBytes = archiveCompressedBytes;
        }

        long add(long n) {
            return bytes.addAndGet(n);
        }
    }

    private final InputStream in;
    private final String entry;
    private final LongSupplier compressedBytesRead;
    private final long declaredSize;
    private final long expectedCrc;
    private final ArchiveLimits limits;
    private final Total total;
    private final CRC32 crc = new CRC32();
    private long bytesRead;
    private boolean verified;

    /**
     * @param compressedBytesRead compressed bytes consumed so far (for the ratio)
     * @param declaredSize        uncompressed size from the header, or -1
     * @param expectedCrc         CRC-32 from the header, or -1
     */
    LimitedInputStream(InputStream in, String entry, LongSupplier compressedBytesRead, long declaredSize,
            long expectedCrc, ArchiveLimits limits, Total total) {
        this.in = in;
        this.entry = entry;
        this.compressedBytesRead = compressedBytesRead;
        this.declaredSize = declaredSize;
        this.expectedCrc = expectedCrc;
        this.limits = limits;
        this.total = total;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            if (expectedCrc >= 0) {
                crc.update(buffer, offset, n);
            }
            count(n);
        } else if (n == -1) {
            verifyEnd();
        }
        return n;
    }

    private void count(int n) throws ArchiveRejectedException {
        bytesRead += n;
        long totalBytes = total.add(n);
        if (bytesRead > limits.maxEntryBytes()) {
            throw new ArchiveRejectedException(Reason.ENTRY_TOO_LARGE, entry, "entry '" + entry
                    + "' is larger than " + limits.maxEntryBytes() + " bytes uncompressed");
        }
        if (totalBytes > limits.maxTotalBytes()) {
            throw new ArchiveRejectedException(Reason.TOTAL_TOO_LARGE, entry, "the archive holds more than "
                    + limits.maxTotalBytes() + " bytes uncompressed (crossed in entry '" + entry + "')");
        }
        if (bytesRead > ArchiveLimits.ENTRY_RATIO_SLACK_BYTES) {
            long compressed = compressedBytesRead.getAsLong();
            if (bytesRead > limits.allowedExpansion(compressed, ArchiveLimits.ENTRY_RATIO_SLACK_BYTES)) {
                throw new ArchiveRejectedException(Reason.COMPRESSION_RATIO, entry, "entry '" + entry
                        + "' expands more than " + limits.maxCompressionRatio() + " times (" + bytesRead
                        + " bytes from " + compressed + ")");
            }
        }
        if (totalBytes > limits.allowedExpansion(total.archiveCompressedBytes, ArchiveLimits.ARCHIVE_RATIO_SLACK_BYTES)) {
            throw new ArchiveRejectedException(Reason.COMPRESSION_RATIO, entry, "the archive expands more than "
                    + limits.maxCompressionRatio() + " times (" + totalBytes + " bytes from "
                    + total.archiveCompressedBytes + " compressed, crossed in entry '" + entry + "')");
        }
    }

    private void verifyEnd() throws IOException {
        if (verified) {
            return;
        }
        verified = true;
        if (declaredSize >= 0 && declaredSize != bytesRead) {
            throw new ArchiveRejectedException(Reason.CORRUPT_ENTRY, entry, "entry '" + entry + "' holds "
                    + bytesRead + " bytes but its header declares " + declaredSize);
        }
        if (expectedCrc >= 0 && crc.getValue() != expectedCrc) {
            throw new ArchiveRejectedException(Reason.CORRUPT_ENTRY, entry,
                    "entry '" + entry + "' does not match its CRC-32 checksum");
        }
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
