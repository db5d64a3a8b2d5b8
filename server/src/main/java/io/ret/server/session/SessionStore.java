package io.ret.server.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.JsonLists;
import io.ret.server.platform.db.Row;
import io.ret.server.session.archive.ArchiveKind;
import io.ret.server.session.archive.EntryKind;
import io.ret.server.session.archive.InventoryEntry;

/** The sessions, session_entries and session_outputs tables. */
public final class SessionStore {
    private final Database db;

    public SessionStore(Database db) {
        this.db = db;
    }

    /** Inserts a session with its inventory and (for CSV archives) its outputs in one transaction. */
    public void insert(Connection c, SessionRecord s, List<InventoryEntry> entries, List<OutputRecord> outputs)
            throws SQLException {
        Database.update(c, "INSERT INTO sessions (id, owner_id, file_name, description, kind, state, archive_bytes,"
                        + " uncompressed_bytes, outputs_dir, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                s.id(), s.ownerId(), s.fileName(), s.description(), s.kind(), s.state(), s.archiveBytes(),
                s.uncompressedBytes(), s.outputsDir(), s.createdAt(), s.updatedAt());
        // JDBC batches on the transaction's connection (reached through DbClient, which has no batch call)
        try (var ps = c.prepareStatement("INSERT INTO session_entries (session_id, ordinal, path, kind, size_bytes,"
                + " compressed_bytes, skip_reason) VALUES (?,?,?,?,?,?,?)")) {
            int ordinal = 0;
            for (InventoryEntry e : entries) {
                Database.bind(ps, s.id(), ordinal++, e.path(), e.kind(), e.sizeBytes(), e.compressedBytes(), e.skipReason());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        insertOutputs(c, s.id(), outputs);
    }

    private static void insertOutputs(Connection c, String sessionId, List<OutputRecord> outputs) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO session_outputs (session_id, ordinal, path, source_path, table_name,"
                + " size_bytes, row_count, columns) VALUES (?,?,?,?,?,?,?,?)")) {
            int ordinal = 0;
            for (OutputRecord o : outputs) {
                Database.bind(ps, sessionId, ordinal++, o.path(), o.sourcePath(), o.table(), o.sizeBytes(), o.rows(),
                        JsonLists.array(o.columns()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Publishes a conversion's outputs: replaces the previous ones and points the session at the new directory. */
    public void publishOutputs(String sessionId, String outputsDir, String jobId, List<OutputRecord> outputs, Instant now) {
        db.transaction(c -> {
            Database.update(c, "DELETE FROM session_outputs WHERE session_id = ?", sessionId);
            insertOutputs(c, sessionId, outputs);
            Database.update(c, "UPDATE sessions SET outputs_dir = ?, state = 'CONVERTED', conversion_job_id = ?,"
                    + " updated_at = ? WHERE id = ?", outputsDir, jobId, now, sessionId);
            return null;
        });
    }

    public void setState(String sessionId, SessionRecord.State state, Instant now) {
        db.update("UPDATE sessions SET state = ?, updated_at = ? WHERE id = ?", state, now, sessionId);
    }

    /**
     * Ends a conversion that its job can no longer end itself: sets {@code state} only while the
     * session is still converting for {@code jobId} (a later conversion keeps its own state).
     */
    public boolean endConversion(String sessionId, String jobId, SessionRecord.State state, Instant now) {
        return db.update("UPDATE sessions SET state = ?, updated_at = ? WHERE id = ? AND state = 'CONVERTING'"
                + " AND conversion_job_id = ?", state, now, sessionId, jobId) == 1;
    }

    public void setConversionJob(String sessionId, String jobId, Instant now) {
        db.update("UPDATE sessions SET conversion_job_id = ?, updated_at = ? WHERE id = ?", jobId, now, sessionId);
    }

    public Optional<SessionRecord> get(String id) {
        return db.queryOne("SELECT * FROM sessions WHERE id = ?", SessionStore::map, id);
    }

    public List<SessionRecord> list(String ownerId, String beforeId, int limit) {
        return ownerId == null
                ? db.query("SELECT * FROM sessions WHERE id < ? ORDER BY id DESC LIMIT ?", SessionStore::map, beforeId, limit)
                : db.query("SELECT * FROM sessions WHERE owner_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                SessionStore::map, ownerId, beforeId, limit);
    }

    /** The ids of every session the owner keeps (for measuring what they take on disk). */
    public List<String> idsOf(String ownerId) {
        return db.query("SELECT id FROM sessions WHERE owner_id = ?", r -> r.getString(1), ownerId);
    }

    /** Sessions the owner keeps now, counted under a lock on the user's row (so two uploads cannot both pass). */
    public static int countForUpdate(Connection c, String ownerId) throws SQLException {
        Database.query(c, "SELECT id FROM users WHERE id = ? FOR UPDATE", r -> r.getString(1), ownerId);
        return Database.query(c, "SELECT COUNT(*) FROM sessions WHERE owner_id = ?", r -> r.getInt(1), ownerId).getFirst();
    }

    public int count(String ownerId) {
        return db.queryOne("SELECT COUNT(*) FROM sessions WHERE owner_id = ?", r -> r.getInt(1), ownerId).orElse(0);
    }

    public List<InventoryEntry> entries(String sessionId) {
        return db.query("SELECT * FROM session_entries WHERE session_id = ? ORDER BY ordinal", r -> new InventoryEntry(
                r.getString("path"), EntryKind.valueOf(r.getString("kind")), r.getLong("size_bytes"),
                r.getLong("compressed_bytes"), r.getString("skip_reason")), sessionId);
    }

    public int outputCount(String sessionId) {
        return db.queryOne("SELECT COUNT(*) FROM session_outputs WHERE session_id = ?", r -> r.getInt(1), sessionId).orElse(0);
    }

    public List<OutputRecord> outputs(String sessionId, int afterOrdinal, int limit) {
        return db.query("SELECT * FROM session_outputs WHERE session_id = ? AND ordinal > ? ORDER BY ordinal LIMIT ?",
                SessionStore::mapOutput, sessionId, afterOrdinal, limit);
    }

    public List<OutputRecord> allOutputs(String sessionId) {
        return outputs(sessionId, -1, Integer.MAX_VALUE);
    }

    public Optional<OutputRecord> output(String sessionId, String path) {
        return db.queryOne("SELECT * FROM session_outputs WHERE session_id = ? AND path = ?", SessionStore::mapOutput,
                sessionId, path);
    }

    public void saveStats(String sessionId, int ordinal, byte[] stats) {
        db.update("UPDATE session_outputs SET stats = ? WHERE session_id = ? AND ordinal = ?", stats, sessionId, ordinal);
    }

    public static boolean delete(Connection c, String id) throws SQLException {
        return Database.update(c, "DELETE FROM sessions WHERE id = ?", id) > 0;
    }

    static SessionRecord map(Row r) throws SQLException {
        return new SessionRecord(r.getString("id"), r.getString("owner_id"), r.getString("file_name"),
                r.getString("description"), ArchiveKind.valueOf(r.getString("kind")),
                SessionRecord.State.valueOf(r.getString("state")), r.getLong("archive_bytes"),
                r.getLong("uncompressed_bytes"), r.getString("outputs_dir"), r.getString("conversion_job_id"),
                Database.instant(r, "created_at"), Database.instant(r, "updated_at"));
    }

    static OutputRecord mapOutput(Row r) throws SQLException {
        return new OutputRecord(r.getString("session_id"), r.getInt("ordinal"), r.getString("path"),
                r.getString("source_path"), r.getString("table_name"), r.getLong("size_bytes"), r.getLong("row_count"),
                JsonLists.strings(r.getString("columns")), r.getBytes("stats"));
    }
}
