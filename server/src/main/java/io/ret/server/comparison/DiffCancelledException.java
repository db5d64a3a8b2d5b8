package io.ret.server.comparison;

/** Thrown when {@link DiffProgress#cancelled()} turned true; temporary files are already gone. */
public final class DiffCancelledException extends RuntimeException {
    public DiffCancelledException() {
        super("comparison cancelled");
    }
}
