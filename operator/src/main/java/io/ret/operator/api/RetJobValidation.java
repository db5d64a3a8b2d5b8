package io.ret.operator.api;

/** Validation patterns shared by the specs (kept in step with the server's rules). */
final class RetJobValidation {
    /** RET usernames, as {@code io.ret.server.auth.Usernames} accepts them. */
    static final String USERNAME = "^[a-z0-9][a-z0-9._@-]{2,63}$";

    private RetJobValidation() {
    }
}
