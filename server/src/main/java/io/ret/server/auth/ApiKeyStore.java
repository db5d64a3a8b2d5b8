package io.ret.server.auth;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;

/** API keys of service accounts; only a SHA-256 of each key is stored. */
public final class ApiKeyStore {
    public record ApiKey(String id, String prefix, String keyHash, String serviceAccountId, String description,
                         Instant createdAt, String createdBy, Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {
        public boolean live(Instant now) {
            return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
        }
    }

    private final Database db;

    public ApiKeyStore(Database db) {
        this.db = db;
    }

    public void insert(ApiKey k) {
        db.update("INSERT INTO api_keys (id, prefix, key_hash, service_account_id, description, created_at, created_by,"
                        + " expires_at) VALUES (?,?,?,?,?,?,?,?)", k.id(), k.prefix(), k.keyHash(), k.serviceAccountId(),
                k.description(), k.createdAt(), k.createdBy(), k.expiresAt());
    }

    public Optional<ApiKey> byPrefix(String prefix) {
        return db.queryOne("SELECT * FROM api_keys WHERE prefix = ?", ApiKeyStore::map, prefix);
    }

    public Optional<ApiKey> byId(String id) {
        return db.queryOne("SELECT * FROM api_keys WHERE id = ?", ApiKeyStore::map, id);
    }

    public List<ApiKey> list(String serviceAccountId, boolean includeRevoked, String beforeId, int limit) {
        return db.query("SELECT * FROM api_keys WHERE id < ? AND (? = '' OR service_account_id = ?)"
                        + " AND (? OR revoked_at IS NULL) ORDER BY id DESC LIMIT ?", ApiKeyStore::map,
                beforeId, serviceAccountId, serviceAccountId, includeRevoked, limit);
    }

    public boolean revoke(String id, Instant now) {
        return db.update("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, id) > 0;
    }

    public void touch(String id, Instant now) {
        db.update("UPDATE api_keys SET last_used_at = ? WHERE id = ?", now, id);
    }

    static ApiKey map(Row r) throws SQLException {
        return new ApiKey(r.getString("id"), r.getString("prefix"), r.getString("key_hash"),
                r.getString("service_account_id"), r.getString("description"), Database.instant(r, "created_at"),
                r.getString("created_by"), Database.instant(r, "expires_at"), Database.instant(r, "last_used_at"),
                Database.instant(r, "revoked_at"));
    }
}
