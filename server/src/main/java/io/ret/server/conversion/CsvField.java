package io.ret.server.conversion;

import java.util.Arrays;

/**
 * One CSV cell being built: its UTF-8 bytes, and whether they must be quoted (they hold
 * a quote, comma, CR or LF). The first pass knows that while it encodes a value, so the
 * second pass never scans a value again.
 */
final class CsvField {

    private static final int INITIAL = 64;
    /** A buffer grown past this by a long value is not kept for the next row (a row may have many cells). */
    private static final int KEEP_AT_MOST = 64 * 1024;

    byte[] bytes = new byte[INITIAL];
    int length;
    boolean quoted;

    void clear() {
        length = 0;
        quoted = false;
        if (bytes.length > KEEP_AT_MOST) {
            bytes = new byte[INITIAL];
        }
    }

    void append(byte[] source, int offset, int count) {
        ensure(count);
        System.arraycopy(source, offset, bytes, length, count);
        length += count;
    }

    void append(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
        }
    }

    static boolean needsQuotes(byte b) {
        // all four are at most ',': letters and digits are ruled out by the first comparison
        return b <= ',' && (b == '"' || b == ',' || b == '\n' || b == '\r');
    }

    /** Bytes are enough: in UTF-8 an ASCII byte never occurs inside another character. */
    static boolean needsQuotes(byte[] bytes, int offset, int count) {
        for (int i = offset, end = offset + count; i < end; i++) {
            if (needsQuotes(bytes[i])) {
                return true;
            }
        }
        return false;
    }
}
