package io.ret.server.rag;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A piece of one converted CSV file: its header line plus whole data rows
 * {@code firstRow..lastRow} (1-based, header not counted), or one part of a single
 * row too long for one chunk.
 *
 * @param id      deterministic (see {@link #idOf}), so re-indexing a session replaces its chunks
 * @param file    path of the CSV relative to the session's output
 */
public record Chunk(String id, String collection, String ownerId, String sessionId,
                    String file, long firstRow, long lastRow, String text) {

    public Chunk {
        Objects.requireNonNull(id, "id");
        Scope.requireCollection(collection);
        Scope.requireId("ownerId", ownerId);
        Scope.requireId("sessionId", sessionId);
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        if (firstRow < 1 || lastRow < firstRow) {
            throw new IllegalArgumentException("rows " + firstRow + ".." + lastRow + " are not a 1-based range");
        }
    }

    public Scope scope() {
        return new Scope(ownerId, collection);
    }

    /** "orders.csv rows 3-7", as shown next to a citation. */
    public String location() {
        return firstRow == lastRow ? file + " row " + firstRow : file + " rows " + firstRow + "-" + lastRow;
    }

    /**
     * 32 hex characters of SHA-256 over collection, session, file, rows and part:
     * the same source always gets the same id, whichever store holds it.
     */
    public static String idOf(String collection, String sessionId, String file, long firstRow, long lastRow, int part) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String key = collection + '\u0000' + sessionId + '\u0000' + file + '\u0000'
                    + firstRow + '\u0000' + lastRow + '\u0000' + part;
            byte[] digest = sha.digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
