package io.ret.server.rag;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;

/** The collections, collection_grants and collection_sessions tables. */
public final class CollectionStore {
    public record CollectionRecord(String id, String ownerId, String name, String description, String embeddingModel,
                                   int dimensions, Instant createdAt, Instant updatedAt) {
        /** The name of its collection in the vector store: letters, digits, underscore (see {@link Scope}). */
        public String storeName() {
            return "c_" + id.replace("-", "");
        }
    }

    private final Database db;

    public CollectionStore(Database db) {
        this.db = db;
    }

    public void insert(CollectionRecord c) {
        db.update("INSERT INTO collections (id, owner_id, name, description, embedding_model, dimensions, created_at,"
                        + " updated_at) VALUES (?,?,?,?,?,?,?,?)", c.id(), c.ownerId(), c.name(), c.description(),
                c.embeddingModel(), c.dimensions(), c.createdAt(), c.updatedAt());
    }

    public Optional<CollectionRecord> get(String id) {
        return db.queryOne("SELECT * FROM collections WHERE id = ?", CollectionStore::map, id);
    }

    /** Collections a user owns or was granted, newest first. */
    public List<CollectionRecord> visibleTo(String userId, String beforeId, int limit) {
        return db.query("SELECT c.* FROM collections c WHERE c.id < ? AND (c.owner_id = ? OR EXISTS"
                        + " (SELECT 1 FROM collection_grants g WHERE g.collection_id = c.id AND g.user_id = ?))"
                        + " ORDER BY c.id DESC LIMIT ?", CollectionStore::map, beforeId, userId, userId, limit);
    }

    public List<CollectionRecord> all(String beforeId, int limit) {
        return db.query("SELECT * FROM collections WHERE id < ? ORDER BY id DESC LIMIT ?", CollectionStore::map,
                beforeId, limit);
    }

    public boolean granted(String collectionId, String userId) {
        return db.queryOne("SELECT 1 FROM collection_grants WHERE collection_id = ? AND user_id = ?", r -> true,
                collectionId, userId).isPresent();
    }

    public List<String> grantees(String collectionId) {
        return db.query("SELECT user_id FROM collection_grants WHERE collection_id = ? ORDER BY user_id",
                r -> r.getString(1), collectionId);
    }

    public void grant(String collectionId, String userId, Instant now) {
        db.update("INSERT IGNORE INTO collection_grants (collection_id, user_id, granted_at) VALUES (?,?,?)",
                collectionId, userId, now);
    }

    /** Ends a grant, and removes the grantee's conversations over the collection: their answers quote its data. */
    public void revoke(String collectionId, String userId) {
        db.transaction(c -> {
            Database.update(c, "DELETE FROM collection_grants WHERE collection_id = ? AND user_id = ?", collectionId, userId);
            Database.update(c, "DELETE FROM conversations WHERE collection_id = ? AND owner_id = ?", collectionId, userId);
            return null;
        });
    }

    public record IndexedSession(String sessionId, long chunks) {
    }

    public List<IndexedSession> sessions(String collectionId) {
        return db.query("SELECT session_id, chunks FROM collection_sessions WHERE collection_id = ? ORDER BY session_id",
                r -> new IndexedSession(r.getString(1), r.getLong(2)), collectionId);
    }

    /** Records (or replaces) what indexing a session into the collection stored. */
    public void indexed(String collectionId, String sessionId, long chunks, Instant now) {
        db.update("INSERT INTO collection_sessions (collection_id, session_id, chunks, indexed_at) VALUES (?,?,?,?)"
                + " ON DUPLICATE KEY UPDATE chunks = VALUES(chunks), indexed_at = VALUES(indexed_at)",
                collectionId, sessionId, chunks, now);
        db.update("UPDATE collections SET updated_at = ? WHERE id = ?", now, collectionId);
    }

    public boolean delete(String id) {
        return db.update("DELETE FROM collections WHERE id = ?", id) > 0;
    }

    static CollectionRecord map(Row r) throws SQLException {
        return new CollectionRecord(r.getString("id"), r.getString("owner_id"), r.getString("name"),
                r.getString("description"), r.getString("embedding_model"), r.getInt("dimensions"),
                Database.instant(r, "created_at"), Database.instant(r, "updated_at"));
    }
}
