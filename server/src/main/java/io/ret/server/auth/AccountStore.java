package io.ret.server.auth;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;
import io.ret.server.platform.security.Role;

/** The users table. */
public final class AccountStore {
    private final Database db;

    public AccountStore(Database db) {
        this.db = db;
    }

    public void insert(Account a) {
        db.update("INSERT INTO users (id, username, display_name, role, kind, password_hash, active, locked,"
                        + " failed_logins, token_version, max_sessions, max_upload_bytes, max_login_sessions,"
                        + " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                a.id(), a.username(), a.displayName(), a.role(), a.kind(), a.passwordHash(), a.active(), a.locked(),
                0, 0, a.limits().maxSessions(), a.limits().maxUploadBytes(), a.limits().maxLoginSessions(),
                a.createdAt(), a.updatedAt());
    }

    public Optional<Account> byId(String id) {
        return db.queryOne("SELECT * FROM users WHERE id = ?", AccountStore::map, id);
    }

    public Optional<Account> byUsername(String username) {
        return db.queryOne("SELECT * FROM users WHERE username = ?", AccountStore::map, username);
    }

    public boolean anyAdmin() {
        return db.queryOne("SELECT 1 FROM users WHERE role = 'ADMIN' AND active LIMIT 1", r -> true).isPresent();
    }

    public record Filter(String usernamePrefix, Role role, Account.Kind kind, Boolean active, Boolean locked) {
    }

    /** Newest first; {@code beforeId} is the cursor (ids are time-ordered). */
    public List<Account> list(Filter f, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM users WHERE id < ?");
        List<Object> params = new ArrayList<>(List.of(beforeId));
        if (f.usernamePrefix() != null && !f.usernamePrefix().isEmpty()) {
            sql.append(" AND username LIKE ?");
            params.add(f.usernamePrefix().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (f.role() != null) {
            sql.append(" AND role = ?");
            params.add(f.role());
        }
        if (f.kind() != null) {
            sql.append(" AND kind = ?");
            params.add(f.kind());
        }
        if (f.active() != null) {
            sql.append(" AND active = ?");
            params.add(f.active());
        }
        if (f.locked() != null) {
            sql.append(" AND locked = ?");
            params.add(f.locked());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return db.query(sql.toString(), AccountStore::map, params.toArray());
    }

    /** Writes the mutable profile fields; bumps the token version when access must end at once. */
    public void update(Account a, boolean revokeTokens) {
        db.update("UPDATE users SET display_name = ?, role = ?, active = ?, locked = ?, locked_until = ?,"
                        + " failed_logins = ?, token_version = token_version + ?, updated_at = ? WHERE id = ?",
                a.displayName(), a.role(), a.active(), a.locked(), a.lockedUntil(), a.failedLogins(),
                revokeTokens ? 1 : 0, Instant.now(), a.id());
    }

    public void setPassword(String id, String hash, boolean revokeTokens) {
        db.update("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL,"
                        + " token_version = token_version + ?, updated_at = ? WHERE id = ?",
                hash, revokeTokens ? 1 : 0, Instant.now(), id);
    }

    public void setLimits(String id, Account.Limits limits) {
        db.update("UPDATE users SET max_sessions = ?, max_upload_bytes = ?, max_login_sessions = ?, updated_at = ?"
                + " WHERE id = ?", limits.maxSessions(), limits.maxUploadBytes(), limits.maxLoginSessions(), Instant.now(), id);
    }

    public void bumpTokenVersion(String id) {
        db.update("UPDATE users SET token_version = token_version + 1, updated_at = ? WHERE id = ?", Instant.now(), id);
    }

    /** Counts a failed login (shown to admins; a successful login resets it). */
    public void countFailedLogin(String id) {
        db.update("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?", id);
    }

    /** A temporary lock, lifted by itself at {@code until} (or by an admin). */
    public void lockUntil(String id, Instant until) {
        db.update("UPDATE users SET locked_until = ?, updated_at = ? WHERE id = ?", until, Instant.now(), id);
    }

    public void recordLogin(String id, Instant now) {
        // a temporary lock stays: a known source may sign in during one, everyone else still waits
        db.update("UPDATE users SET failed_logins = 0, last_login_at = ? WHERE id = ?", now, id);
    }

    public boolean delete(String id) {
        return db.update("DELETE FROM users WHERE id = ?", id) > 0;
    }

    static Account map(Row r) throws SQLException {
        return new Account(
                r.getString("id"),
                r.getString("username"),
                r.getString("display_name"),
                Role.valueOf(r.getString("role")),
                Account.Kind.valueOf(r.getString("kind")),
                r.getString("password_hash"),
                r.getBoolean("active"),
                r.getBoolean("locked"),
                Database.instant(r, "locked_until"),
                r.getInt("failed_logins"),
                r.getInt("token_version"),
                new Account.Limits(r.getInt("max_sessions"), r.getLong("max_upload_bytes"), r.getInt("max_login_sessions")),
                Database.instant(r, "created_at"),
                Database.instant(r, "updated_at"),
                Database.instant(r, "last_login_at"));
    }
}
