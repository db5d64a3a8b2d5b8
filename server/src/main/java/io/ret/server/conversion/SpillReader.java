package io.ret.server.conversion;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the tokens of {@link SpillWriter} back, in order. */
final class SpillReader implements Closeable {

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    SpillReader(InputStream in) {
        this.in = in;
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

    String text() throws IOException {
        int length = varint();
        if (limit - position >= length) {
            String text = new String(buffer, position, length, StandardCharsets.UTF_8);
            position += length;
            return text;
        }
        byte[] bytes = new byte[length];
        int have = limit - position;
        System.arraycopy(buffer, position, bytes, 0, have);
        position = limit;
        if (in.readNBytes(bytes, have, length - have) != length - have) {
            throw new EOFException("spill ends inside a value");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
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
        in.close();
    }
}
