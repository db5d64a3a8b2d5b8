package io.ret.server.auth;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;

/**
 * Login sessions (one per signed-in device) and their refresh tokens. A
 * session is a token family: every refresh rotates the token; presenting a
 * rotated token again means it was stolen or replayed, and the whole family
 * is revoked.
 */
public final class LoginSessionStore {
    public record LoginSession(String id, String userId, String ipAddress, String userAgent, Instant createdAt,
                               Instant lastUsedAt, Instant expiresAt, Instant revokedAt) {
        public boolean live(Instant now) {
            return revokedAt == null && expiresAt.isAfter(now);
        }
    }

    public sealed interface Rotation {
    }

    public record Rotated(LoginSession session) implements Rotation {
    }

    /** The token was already rotated: the family is now revoked. */
    public record Reused(LoginSession session) implements Rotation {
    }

    public record Unknown() implements Rotation {
    }

    /** The session was revoked or expired before this refresh. */
    public record Ended(LoginSession session) implements Rotation {
    }

    private record TokenRow(Instant rotatedAt, LoginSession session) {
    }

    private final Database db;

    public LoginSessionStore(Database db) {
        this.db = db;
    }

    public void create(LoginSession s, String refreshTokenHash) {
        db.transaction(c -> {
            Database.update(c, "INSERT INTO login_sessions (id, user_id, ip_address, user_agent, created_at,"
                            + " last_used_at, expires_at) VALUES (?,?,?,?,?,?,?)",
                    s.id(), s.userId(), s.ipAddress(), s.userAgent(), s.createdAt(), s.lastUsedAt(), s.expiresAt());
            Database.update(c, "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?,?,?)",
                    refreshTokenHash, s.id(), s.createdAt());
            return null;
        });
    }

    public Optional<LoginSession> byId(String id) {
        return db.queryOne("SELECT * FROM login_sessions WHERE id = ?", LoginSessionStore::map, id);
    }

    /** Live sessions of a user, least recently used first. */
    public List<LoginSession> live(String userId, Instant now) {
        return db.query("SELECT * FROM login_sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?"
                + " ORDER BY last_used_at, id", LoginSessionStore::map, userId, now);
    }

    /**
     * Trades {@code oldHash} for {@code newHash} atomically. Concurrent refreshes
     * with the same token serialise on the row lock: one rotates, the other is reuse.
     */
    public Rotation rotate(String oldHash, String newHash, Instant now) {
        return db.transaction(c -> {
            var rows = Database.query(c, "SELECT t.rotated_at, s.* FROM refresh_tokens t JOIN login_sessions s"
                    + " ON s.id = t.session_id WHERE t.token_hash = ? FOR UPDATE",
                    r -> new TokenRow(Database.instant(r, "rotated_at"), map(r)), oldHash);
            if (rows.isEmpty()) {
                return new Unknown();
            }
            LoginSession session = rows.getFirst().session();
            if (rows.getFirst().rotatedAt() != null) {
                Database.update(c, "UPDATE login_sessions SET revoked_at = ?, revoke_reason = 'refresh_token_reuse'"
                        + " WHERE id = ? AND revoked_at IS NULL", now, session.id());
                return new Reused(session);
            }
            if (!session.live(now)) {
                return new Ended(session);
            }
            Database.update(c, "UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ?", now, oldHash);
            Database.update(c, "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?,?,?)",
                    newHash, session.id(), now);
            Database.update(c, "UPDATE login_sessions SET last_used_at = ? WHERE id = ?", now, session.id());
            return new Rotated(session);
        });
    }

    public boolean revoke(String sessionId, String reason, Instant now) {
        return db.update("UPDATE login_sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
                now, reason, sessionId) > 0;
    }

    /** Revokes every live session of a user except {@code keepId} (may be null); returns how many. */
    public int revokeAll(String userId, String keepId, String reason, Instant now) {
        return db.update("UPDATE login_sessions SET revoked_at = ?, revoke_reason = ? WHERE user_id = ?"
                        + " AND revoked_at IS NULL AND id <> ?", now, reason, userId, keepId == null ? "" : keepId);
    }

    static LoginSession map(Row r) throws SQLException {
        return new LoginSession(r.getString("id"), r.getString("user_id"), r.getString("ip_address"),
                r.getString("user_agent"), Database.instant(r, "created_at"), Database.instant(r, "last_used_at"),
                Database.instant(r, "expires_at"), Database.instant(r, "revoked_at"));
    }
}
