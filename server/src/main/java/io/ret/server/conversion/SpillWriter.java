package io.ret.server.conversion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a scanned document as compact tokens, names replaced by path and column ids,
 * so the second pass can route values once the document's shape is known without
 * parsing XML again. Format: {@code START node [line]}, {@code ATTR column text},
 * {@code TEXT text}, {@code WS text}, {@code END}; {@code WS} is whitespace that the element's own
 * text leaves out (see {@link DocumentScanner}) but the string-value of a mixed-content element
 * around it keeps; numbers as unsigned varints; {@code line}, written only when
 * rows name their source line ({@code _line}), as the increase over the previous START's line; text as a varint of its
 * UTF-8 length shifted left once, the low bit set when it must be quoted in CSV (see
 * {@link CsvField}), then its UTF-8 bytes.
 */
final class SpillWriter extends ByteOutput {

    static final int START = 1;
    static final int ATTR = 2;
    static final int TEXT = 3;
    static final int END = 4;
    static final int WS = 5;

    /** Bit c set for the ASCII chars below 64 that make a CSV value quoted: '"', ',', LF, CR. */
    private static final long QUOTED = 1L << '"' | 1L << ',' | 1L << '\n' | 1L << '\r';


    private final boolean lines;
    private int lastLine;

    /** @param lines whether START tokens carry the element's line */
    SpillWriter(OutputStream out, boolean lines) {
        super(out);
        this.lines = lines;
    }

    boolean writesLines() {
        return lines;
    }

    /** @param line 1-based line of the start tag; ignored unless {@link #writesLines()} */
    void start(int node, int line) throws IOException {
        ensure(11);
        buffer[position++] = START;
        varint(node);
        if (lines) {
            int at = Math.max(line, lastLine); // deltas stay unsigned even if a parser reported none (-1)
            varint(at - lastLine);
            lastLine = at;
        }
    }

    void attribute(int column, String value) throws IOException {
        ensure(6);
        buffer[position++] = ATTR;
        varint(column);
        bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    void attribute(int column, char[] chars, int offset, int length) throws IOException {
        ensure(6);
        buffer[position++] = ATTR;
        varint(column);
        value(chars, offset, length);
    }

    void text(char[] chars, int offset, int length) throws IOException {
        ensure(1);
        buffer[position++] = TEXT;
        value(chars, offset, length);
    }

    /**
     * A value's header and UTF-8 bytes. Most values are ASCII: those are copied and checked
     * for quotes in one loop, straight into the buffer behind room left for the header
     * (its size depends on the length only); the first char above ASCII sends the value to
     * the general encoding instead.
     */
    private void value(char[] chars, int offset, int length) throws IOException {
        int headerSize = varintSize(length << 1);
        if (headerSize + length <= CAPACITY) {
            ensure(headerSize + length);
            byte[] out = buffer;
            int at = position + headerSize;
            int seen = 0;
            long quoted = 0;
            for (int i = offset, end = offset + length; i < end; i++) {
                char c = chars[i];
                seen |= c;
                quoted |= QUOTED >>> c & (c - 64) >>> 31; // the mask's bit of c, for c below 64
                out[at++] = (byte) c;
            }
            if (seen < 0x80) {
                varint(length << 1 | (int) (quoted & 1));
                position = at;
                return;
            }
        }
        varint(header(chars, offset, length));
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            ensure(4);
            char c = chars[i];
            if (c < 0x80) {
                buffer[position++] = (byte) c;
            } else if (c < 0x800) {
                buffer[position++] = (byte) (0xc0 | c >> 6);
                buffer[position++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                buffer[position++] = (byte) (0xf0 | cp >> 18);
                buffer[position++] = (byte) (0x80 | cp >> 12 & 0x3f);
                buffer[position++] = (byte) (0x80 | cp >> 6 & 0x3f);
                buffer[position++] = (byte) (0x80 | cp & 0x3f);
            } else {
                buffer[position++] = (byte) (0xe0 | c >> 12);
                buffer[position++] = (byte) (0x80 | c >> 6 & 0x3f);
                buffer[position++] = (byte) (0x80 | c & 0x3f);
            }
        }
    }

    void text(String value) throws IOException {
        ensure(6);
        buffer[position++] = TEXT;
        bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Whitespace left out of the element's own text (only ' ', TAB, LF and CR). */
    void whitespace(char[] chars, int offset, int length) throws IOException {
        ensure(1);
        buffer[position++] = WS;
        value(chars, offset, length);
    }

    void whitespace(CharSequence chars) throws IOException {
        ensure(1);
        buffer[position++] = WS;
        bytes(chars.toString().getBytes(StandardCharsets.US_ASCII));
    }

    void end() throws IOException {
        ensure(1);
        buffer[position++] = END;
    }

    /** The value header of these chars: UTF-8 length, shifted, and the quote bit. */
    private static int header(char[] chars, int offset, int length) {
        int bytes = length;
        boolean quoted = false;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = chars[i];
            if (c < 0x80) {
                quoted |= c <= ',' && (c == '"' || c == ',' || c == '\n' || c == '\r');
            } else if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                bytes += 2; // four bytes for two chars
                i++;
            } else {
                bytes += 2;
            }
        }
        return bytes << 1 | (quoted ? 1 : 0);
    }

    private void bytes(byte[] value) throws IOException {
        varint(value.length << 1 | (CsvField.needsQuotes(value, 0, value.length) ? 1 : 0));
        write(value, 0, value.length);
    }

    /** Bytes of {@link #varint} for a value of this size (the low bit does not change it). */
    private static int varintSize(int value) {
        return (38 - Integer.numberOfLeadingZeros(value | 1)) / 7;
    }

    private void varint(int value) throws IOException {
        ensure(5);
        while ((value & ~0x7f) != 0) {
            buffer[position++] = (byte) (value & 0x7f | 0x80);
            value >>>= 7;
        }
        buffer[position++] = (byte) value;
    }
}
