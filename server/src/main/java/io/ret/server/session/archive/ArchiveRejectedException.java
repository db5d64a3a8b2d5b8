package io.ret.server.session.archive;

import java.io.IOException;

/**
 * The archive is refused as a whole. {@link #reason()} is a stable code for callers and
 * clients; the message says which entry and why, for people. It is an {@link IOException}
 * because it can surface from a read of an entry stream, where a limit is crossed.
 */
public final class ArchiveRejectedException extends IOException {

    /** Stable reason codes. */
    public enum Reason {
        NOT_A_ZIP,
        TOO_MANY_ENTRIES,
        ENTRY_TOO_LARGE,
        TOTAL_TOO_LARGE,
        COMPRESSION_RATIO,
        UNSAFE_PATH,
        DUPLICATE_ENTRY,
        ENCRYPTED_ENTRY,
        UNSUPPORTED_COMPRESSION,
        /** Two entries share bytes of the archive (many directory entries over one compressed stream). */
        OVERLAPPING_ENTRIES,
        /** An entry's header or data lies outside the archive's data area (past the central directory start). */
        ENTRY_OUT_OF_BOUNDS,
        /** An entry's data cannot be decompressed, or does not match its checksum or declared size. */
        CORRUPT_ENTRY,
        NO_DATA_ENTRIES
    }

    private final Reason reason;
    private final String entry;

    public ArchiveRejectedException(Reason reason, String entry, String message) {
        super(message);
        this.reason = reason;
        this.entry = entry;
    }

    public Reason reason() {
        return reason;
    }

    /** The entry at fault, or null when the archive as a whole is. */
    public String entry() {
        return entry;
    }
}
