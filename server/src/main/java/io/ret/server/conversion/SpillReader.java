package io.ret.server.conversion;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** Reads the tokens of {@link SpillWriter} back, in order. */
final class SpillReader implements Closeable {

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    SpillReader(InputStream in) {
        this.in = in;
        this.buffer = new byte[64 * 1024];
    }

    /** A reader of a spill held in memory, read in place. */
    SpillReader(byte[] spill) {
        this.in = null;
        this.buffer = spill;
        this.limit = spill.length;
    }

    /** The next token's code, or -1 at the end. */
    int next() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++];
    }

    int varint() throws IOException {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            if (position == limit && !fill()) {
                throw new EOFException("spill ends inside a number");
            }
            byte b = buffer[position++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    /** Appends the next text to {@code field}: its bytes, and its need of quotes. */
    void text(CsvField field) throws IOException {
        int header = varint();
        int length = header >>> 1;
        field.quoted |= (header & 1) != 0;
        field.ensure(length);
        while (length > 0) {
            if (position == limit && !fill()) {
                throw new EOFException("spill ends inside a value");
            }
            int piece = Math.min(length, limit - position);
            field.append(buffer, position, piece);
            position += piece;
            length -= piece;
        }
    }

    /** Skips the next text; returns its length in bytes. */
    int skipText() throws IOException {
        int length = varint() >>> 1;
        for (int rest = length; rest > 0; ) {
            if (position == limit && !fill()) {
                throw new EOFException("spill ends inside a value");
            }
            int piece = Math.min(rest, limit - position);
            position += piece;
            rest -= piece;
        }
        return length;
    }

    private boolean fill() throws IOException {
        int n = in == null ? -1 : in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            position = limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}
