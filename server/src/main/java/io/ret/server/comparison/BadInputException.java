package io.ret.server.comparison;

/** A file that cannot be compared as it is; the message becomes the file's error. */
final class BadInputException extends RuntimeException {
    BadInputException(String message) {
        super(message, null, false, false);
    }
}
