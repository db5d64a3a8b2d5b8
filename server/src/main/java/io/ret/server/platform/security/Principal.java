package io.ret.server.platform.security;

/**
 * Who is calling.
 *
 * @param userId         stable id of the user or service account
 * @param username       for logs and audit rows
 * @param role           checked against the method's declared access
 * @param service        true for a service account (API key)
 * @param credentialId   the login session behind an access token, or the API key id
 */
public record Principal(String userId, String username, Role role, boolean service, String credentialId) {
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** True if this principal may act on an object owned by {@code ownerId}. */
    public boolean mayAccess(String ownerId) {
        return isAdmin() || userId.equals(ownerId);
    }
}
