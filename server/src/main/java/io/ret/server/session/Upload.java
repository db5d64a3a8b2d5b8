package io.ret.server.session;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.security.Principal;

/**
 * One archive being received. Limits are enforced while receiving: the
 * declared size against the user's upload limit before the first byte, every
 * chunk against the declared size; whatever fails leaves nothing behind.
 */
public final class Upload implements AutoCloseable {
    /** The largest chunk accepted; messages stay well under the transports' 2 MiB limit. */
    public static final int MAX_CHUNK_BYTES = 1024 * 1024;

    private final Sessions sessions;
    private final Principal owner;
    private final String fileName;
    private final String description;
    private final long declaredSize;
    private final Path file;
    private final OutputStream out;
    private long received;
    private boolean finished;

    private Upload(Sessions sessions, Principal owner, String fileName, String description, long declaredSize, Path file)
            throws IOException {
        this.sessions = sessions;
        this.owner = owner;
        this.fileName = fileName;
        this.description = description;
        this.declaredSize = declaredSize;
        this.file = file;
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    static Upload begin(Sessions sessions, Principal owner, String fileName, long declaredSize, String description,
                        long maxUploadBytes, int maxSessions) {
        String name = Validate.required("metadata.file_name", fileName, 255);
        if (name.contains("/") || name.contains("\\")) {
            throw ApiException.invalid("metadata.file_name", "must be a file name, not a path");
        }
        String text = Validate.text("metadata.description", description, 1024, false);
        if (declaredSize <= 0) {
            throw ApiException.invalid("metadata.declared_size", "must be the archive's size in bytes");
        }
        if (declaredSize > maxUploadBytes) {
            throw ApiException.resourceExhausted("UPLOAD_LIMIT", "the archive (" + declaredSize
                    + " bytes) is over your upload limit of " + maxUploadBytes + " bytes; ask for more with"
                    + " AuthService.RequestLimitIncrease", null).with(Map.of("limit_bytes", Long.toString(maxUploadBytes)));
        }
        sessions.requireSessionSlot(owner, maxSessions);
        try {
            return new Upload(sessions, owner, name, text, declaredSize, sessions.storage().newUploadFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store an upload", e);
        }
    }

    public void write(byte[] chunk, int length) {
        if (length > MAX_CHUNK_BYTES) {
            throw ApiException.invalid("chunk", "is larger than " + MAX_CHUNK_BYTES + " bytes");
        }
        if (received + length > declaredSize) {
            throw ApiException.invalid("UPLOAD_SIZE_MISMATCH", "chunk",
                    "more bytes than the declared size of " + declaredSize);
        }
        try {
            out.write(chunk, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store an upload", e);
        }
        received += length;
    }

    /** Checks and stores the archive; the session it becomes. */
    public SessionRecord finish() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store an upload", e);
        }
        if (received != declaredSize) {
            throw ApiException.invalid("UPLOAD_SIZE_MISMATCH", "metadata.declared_size",
                    "the upload ended after " + received + " of " + declaredSize + " declared bytes");
        }
        SessionRecord session = sessions.create(owner, fileName, description, file, received);
        finished = true;
        return session;
    }

    /** Drops whatever was received (a failed or abandoned upload). */
    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // deleting it next
        }
        if (!finished) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // swept at the next start-up
            }
        }
    }
}
