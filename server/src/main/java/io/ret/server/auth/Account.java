package io.ret.server.auth;

import java.time.Instant;

import io.ret.server.platform.security.Role;

/** A user or service account as stored. */
public record Account(
        String id,
        String username,
        String displayName,
        Role role,
        Kind kind,
        String passwordHash,
        boolean active,
        boolean locked,
        Instant lockedUntil,
        int failedLogins,
        int tokenVersion,
        Limits limits,
        Instant createdAt,
        Instant updatedAt,
        Instant lastLoginAt) {

    public enum Kind { HUMAN, SERVICE }

    /**
     * @param maxSessions      uploaded archives kept at once
     * @param maxUploadBytes   size of one uploaded archive
     * @param maxLoginSessions signed-in devices at once
     */
    public record Limits(int maxSessions, long maxUploadBytes, int maxLoginSessions) {
    }

    /**
     * May keep using the tokens and keys it holds: active and not locked by an admin. A temporary
     * lock (a distributed guessing attack, see LoginThrottle) stops sign-ins only, never sessions.
     */
    public boolean mayCall() {
        return active && !locked;
    }

    /** May sign in: active, not locked by an admin, not in a temporary lock. */
    public boolean usable(Instant now) {
        return active && !locked && (lockedUntil == null || !lockedUntil.isAfter(now));
    }
}
