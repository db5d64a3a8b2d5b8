package io.ret.server.cli;

import io.grpc.Status;

/** The exit codes of the client commands (listed in docs/cli.md). */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job ended FAILED or CANCELLED, or the server failed the call for another reason. */
    public static final int FAILED = 1;
    /** Wrong command line. */
    public static final int USAGE = 2;
    /** Not signed in, wrong credentials, or not allowed. */
    public static final int AUTH = 3;
    /** The session, job, comparison or collection does not exist (or is not yours). */
    public static final int NOT_FOUND = 4;
    /** The server cannot be reached, or it did not answer in time. */
    public static final int UNAVAILABLE = 5;
    /** The server refused the input: invalid, in the wrong state, over a limit. */
    public static final int REFUSED = 6;
    /** Stopped watching after Ctrl-C; the job goes on. */
    public static final int DETACHED = 130;

    private ExitCodes() {
    }

    public static int of(Status.Code code) {
        return switch (code) {
            case UNAUTHENTICATED, PERMISSION_DENIED -> AUTH;
            case NOT_FOUND -> NOT_FOUND;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS, RESOURCE_EXHAUSTED, ABORTED ->
                    REFUSED;
            default -> FAILED;
        };
    }
}
