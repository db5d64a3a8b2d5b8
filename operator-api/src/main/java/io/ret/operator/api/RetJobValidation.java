package io.ret.operator.api;

/**
 * The rules the job resources' schema enforces, as constants the RET server uses too, so the
 * CRD and the server never disagree on what a username or a priority may be.
 */
public final class RetJobValidation {
    /** RET usernames: 3-64 of lower-case letters, digits, '.', '_', '@', '-', starting with a letter or digit. */
    public static final String USERNAME = "^[a-z0-9][a-z0-9._@-]{2,63}$";
    /** Ids RET generates (UUIDs) and Kubernetes uids: what spec.jobId and spec.sessionId may hold. */
    public static final String ID = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
    public static final int MIN_PRIORITY = -10;
    public static final int MAX_PRIORITY = 10;

    private RetJobValidation() {
    }
}
