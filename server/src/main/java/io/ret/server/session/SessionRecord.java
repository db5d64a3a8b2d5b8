package io.ret.server.session;

import java.time.Instant;

import io.ret.server.session.archive.ArchiveKind;

/** A row of the sessions table. */
public record SessionRecord(
        String id,
        String ownerId,
        String fileName,
        String description,
        ArchiveKind kind,
        State state,
        long archiveBytes,
        long uncompressedBytes,
        String outputsDir,
        String conversionJobId,
        Instant createdAt,
        Instant updatedAt) {

    public enum State { UPLOADED, CONVERTING, CONVERTED, FAILED }

    public boolean hasOutputs() {
        return outputsDir != null;
    }
}
