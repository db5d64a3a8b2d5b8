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

    /** STALE: the last conversion failed and the outputs of an earlier one are kept. */
    public enum State { UPLOADED, CONVERTING, CONVERTED, FAILED, STALE }

    public boolean hasOutputs() {
        return outputsDir != null;
    }

    /** The conversion job that made the outputs, or null (none, or they came with a CSV archive). */
    public String outputsJobId() {
        String prefix = SessionStorage.outputsDirName("");
        if (outputsDir == null || !outputsDir.startsWith(prefix) || outputsDir.equals(SessionStorage.outputsDirName("upload"))) {
            return null;
        }
        return outputsDir.substring(prefix.length());
    }
}
