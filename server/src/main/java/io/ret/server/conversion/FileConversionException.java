package io.ret.server.conversion;

/** One file cannot be converted; the others go on. Line and column are 0 when unknown. */
final class FileConversionException extends Exception {

    private final int line;
    private final int column;

    FileConversionException(String reason) {
        this(reason, 0, 0);
    }

    FileConversionException(String reason, int line, int column) {
        super(reason);
        this.line = line;
        this.column = column;
    }

    int line() {
        return line;
    }

    int column() {
        return column;
    }

    FileFailure toFailure(String path) {
        return new FileFailure(path, getMessage(), line, column);
    }
}
