package io.ret.server.rag;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;

/** Conversations and their messages, per user. */
public final class ConversationStore {
    public record ConversationRecord(String id, String ownerId, String collectionId, String title, Instant createdAt,
                                     Instant updatedAt) {
    }

    public enum Role { USER, ASSISTANT }

    /** @param citations ret.v1 citations as protobuf (a Conversation message carrying only them), or null */
    public record MessageRecord(String id, String conversationId, Role role, String text, byte[] citations,
                                Instant createdAt) {
    }

    private final Database db;

    public ConversationStore(Database db) {
        this.db = db;
    }

    public void insert(ConversationRecord c) {
        db.update("INSERT INTO conversations (id, owner_id, collection_id, title, created_at, updated_at)"
                + " VALUES (?,?,?,?,?,?)", c.id(), c.ownerId(), c.collectionId(), c.title(), c.createdAt(), c.updatedAt());
    }

    public Optional<ConversationRecord> get(String id) {
        return db.queryOne("SELECT * FROM conversations WHERE id = ?", ConversationStore::map, id);
    }

    public List<ConversationRecord> list(String ownerId, String collectionId, String beforeId, int limit) {
        return db.query("SELECT * FROM conversations WHERE owner_id = ? AND id < ? AND (? = '' OR collection_id = ?)"
                + " ORDER BY id DESC LIMIT ?", ConversationStore::map, ownerId, beforeId, collectionId, collectionId, limit);
    }

    public void addMessage(MessageRecord m) {
        db.transaction(c -> {
            Database.update(c, "INSERT INTO conversation_messages (id, conversation_id, role, text, citations, created_at)"
                    + " VALUES (?,?,?,?,?,?)", m.id(), m.conversationId(), m.role(), m.text(), m.citations(), m.createdAt());
            Database.update(c, "UPDATE conversations SET updated_at = ? WHERE id = ?", m.createdAt(), m.conversationId());
            return null;
        });
    }

    /** Oldest first. */
    public List<MessageRecord> messages(String conversationId) {
        return db.query("SELECT * FROM conversation_messages WHERE conversation_id = ? ORDER BY id",
                r -> new MessageRecord(r.getString("id"), r.getString("conversation_id"), Role.valueOf(r.getString("role")),
                        r.getString("text"), r.getBytes("citations"), Database.instant(r, "created_at")), conversationId);
    }

    public boolean delete(String id) {
        return db.update("DELETE FROM conversations WHERE id = ?", id) > 0;
    }

    static ConversationRecord map(Row r) throws SQLException {
        return new ConversationRecord(r.getString("id"), r.getString("owner_id"), r.getString("collection_id"),
                r.getString("title"), Database.instant(r, "created_at"), Database.instant(r, "updated_at"));
    }
}
