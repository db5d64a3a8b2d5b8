package io.ret.server.conversion;

/** A key column the user gave does not exist in its table: the conversion cannot start its work. */
public final class KeyColumnRejectedException extends RuntimeException {
    public KeyColumnRejectedException(String message) {
        super(message);
    }
}
