package io.ret.server.auth;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;

/** The two request workflows decided by admins: password resets and limit increases. */
public final class AccountRequestStore {
    public enum Status { PENDING, APPROVED, REJECTED, COMPLETED }

    public record ResetRequest(String id, String userId, String username, String reason, Status status,
                               Instant createdAt, String decidedBy, Instant decidedAt, String decisionNote,
                               String tokenHash, Instant tokenExpiresAt) {
    }

    public record LimitRequest(String id, String userId, String username, Account.Limits requested, String reason,
                               Status status, Instant createdAt, String decidedBy, Instant decidedAt,
                               String decisionNote) {
    }

    private final Database db;

    public AccountRequestStore(Database db) {
        this.db = db;
    }

    public void insertReset(String id, String userId, String reason, Instant now) {
        db.update("INSERT INTO password_reset_requests (id, user_id, reason, status, created_at) VALUES (?,?,?,?,?)",
                id, userId, reason, Status.PENDING, now);
    }

    public int pendingResets(String userId) {
        return db.queryOne("SELECT COUNT(*) FROM password_reset_requests WHERE user_id = ? AND status = 'PENDING'",
                r -> r.getInt(1), userId).orElse(0);
    }

    public Optional<ResetRequest> reset(String id) {
        return db.queryOne(RESET_SELECT + " WHERE r.id = ?", AccountRequestStore::mapReset, id);
    }

    public List<ResetRequest> resets(Status status, String userId, String beforeId, int limit) {
        Where w = new Where("r", beforeId, status, userId);
        return db.query(RESET_SELECT + w.sql + " ORDER BY r.id DESC LIMIT ?", AccountRequestStore::mapReset,
                w.params(limit));
    }

    /** Moves a PENDING request to its decision; false if it was no longer pending. */
    public boolean decideReset(String id, boolean approve, String adminId, String note, String tokenHash,
                               Instant tokenExpiresAt, Instant now) {
        return db.update("UPDATE password_reset_requests SET status = ?, decided_by = ?, decided_at = ?,"
                        + " decision_note = ?, token_hash = ?, token_expires_at = ? WHERE id = ? AND status = 'PENDING'",
                approve ? Status.APPROVED : Status.REJECTED, adminId, now, note, tokenHash, tokenExpiresAt, id) > 0;
    }

    /** The approved, unexpired request of a user whose token hashes to {@code tokenHash}. */
    public Optional<ResetRequest> approvedReset(String userId, String tokenHash, Instant now) {
        return db.queryOne(RESET_SELECT + " WHERE r.user_id = ? AND r.token_hash = ? AND r.status = 'APPROVED'"
                + " AND r.token_expires_at > ?", AccountRequestStore::mapReset, userId, tokenHash, now);
    }

    /** Marks the token used; false if another call used it first. */
    public boolean completeReset(String id, Instant now) {
        return db.update("UPDATE password_reset_requests SET status = 'COMPLETED', completed_at = ?, token_hash = NULL"
                + " WHERE id = ? AND status = 'APPROVED'", now, id) > 0;
    }

    public void insertLimit(String id, String userId, Account.Limits requested, String reason, Instant now) {
        db.update("INSERT INTO limit_requests (id, user_id, max_sessions, max_upload_bytes, max_login_sessions, reason,"
                        + " status, created_at) VALUES (?,?,?,?,?,?,?,?)", id, userId, requested.maxSessions(),
                requested.maxUploadBytes(), requested.maxLoginSessions(), reason, Status.PENDING, now);
    }

    public Optional<LimitRequest> limit(String id) {
        return db.queryOne(LIMIT_SELECT + " WHERE r.id = ?", AccountRequestStore::mapLimit, id);
    }

    public List<LimitRequest> limits(Status status, String userId, String beforeId, int limit) {
        Where w = new Where("r", beforeId, status, userId);
        return db.query(LIMIT_SELECT + w.sql + " ORDER BY r.id DESC LIMIT ?", AccountRequestStore::mapLimit,
                w.params(limit));
    }

    public boolean decideLimit(String id, boolean approve, String adminId, String note, Instant now) {
        return db.update("UPDATE limit_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?"
                        + " WHERE id = ? AND status = 'PENDING'",
                approve ? Status.APPROVED : Status.REJECTED, adminId, now, note, id) > 0;
    }

    private static final String RESET_SELECT = "SELECT r.*, u.username FROM password_reset_requests r"
            + " JOIN users u ON u.id = r.user_id";
    private static final String LIMIT_SELECT = "SELECT r.*, u.username FROM limit_requests r"
            + " JOIN users u ON u.id = r.user_id";

    private static final class Where {
        final String sql;
        final List<Object> params = new ArrayList<>();

        Where(String alias, String beforeId, Status status, String userId) {
            StringBuilder b = new StringBuilder(" WHERE " + alias + ".id < ?");
            params.add(beforeId);
            if (status != null) {
                b.append(" AND ").append(alias).append(".status = ?");
                params.add(status);
            }
            if (userId != null && !userId.isEmpty()) {
                b.append(" AND ").append(alias).append(".user_id = ?");
                params.add(userId);
            }
            sql = b.toString();
        }

        Object[] params(int limit) {
            params.add(limit);
            return params.toArray();
        }
    }

    private static ResetRequest mapReset(Row r) throws SQLException {
        return new ResetRequest(r.getString("id"), r.getString("user_id"), r.getString("username"),
                r.getString("reason"), Status.valueOf(r.getString("status")), Database.instant(r, "created_at"),
                r.getString("decided_by"), Database.instant(r, "decided_at"), r.getString("decision_note"),
                r.getString("token_hash"), Database.instant(r, "token_expires_at"));
    }

    private static LimitRequest mapLimit(Row r) throws SQLException {
        return new LimitRequest(r.getString("id"), r.getString("user_id"), r.getString("username"),
                new Account.Limits(r.getInt("max_sessions"), r.getLong("max_upload_bytes"), r.getInt("max_login_sessions")),
                r.getString("reason"), Status.valueOf(r.getString("status")), Database.instant(r, "created_at"),
                r.getString("decided_by"), Database.instant(r, "decided_at"), r.getString("decision_note"));
    }
}
