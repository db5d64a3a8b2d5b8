package io.ret.server.query;

/** Where a running statement learns that its caller gave up (deadline passed, client went away). */
public interface CancelSignal {
    CancelSignal NEVER = action -> {
    };

    /** Runs {@code action} once when the caller gives up (at once if it already has). */
    void onCancel(Runnable action);
}
