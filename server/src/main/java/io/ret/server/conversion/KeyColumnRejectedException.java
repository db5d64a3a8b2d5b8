package io.ret.server.conversion;

/** A key the user gave cannot serve: the conversion stops and writes nothing. */
public final class KeyColumnRejectedException extends RuntimeException {

    /** Why: the stable error reason is {@code KEY_COLUMN_} and its name. */
    public enum Reason {
        /** A given column does not exist in its table. */
        UNKNOWN,
        /** A given key is empty in some row, or repeats a value (over the table, or within the parent row). */
        NOT_UNIQUE
    }

    private final Reason reason;

    public KeyColumnRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
