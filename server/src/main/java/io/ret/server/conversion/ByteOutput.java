package io.ret.server.conversion;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A stream with a buffer its writer fills directly ({@code buffer[position++] = b} after
 * {@link #ensure}), for the converter's two hot writers: the spill and the CSV files.
 */
abstract sealed class ByteOutput implements Closeable permits SpillWriter, CsvOutput {

    /** Most bytes the buffer holds before it is written out. */
    static final int CAPACITY = 64 * 1024;

    private final OutputStream out;
    /**
     * Starts small and grows to {@link #CAPACITY}: a conversion of 10,000 small documents
     * made (and zeroed) a full buffer for each, which cost more than scanning them.
     */
    byte[] buffer = new byte[4 * 1024];
    int position;

    ByteOutput(OutputStream out) {
        this.out = out;
    }

    /** Room for {@code bytes} more in the buffer (at most {@link #CAPACITY}). */
    final void ensure(int bytes) throws IOException {
        if (position + bytes > buffer.length) {
            makeRoom(bytes);
        }
    }

    final void write(byte[] bytes, int offset, int length) throws IOException {
        if (length > buffer.length - position) {
            makeRoom(Math.min(length, CAPACITY));
            if (length > buffer.length - position) {
                out.write(bytes, offset, length); // the buffer is empty now
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, position, length);
        position += length;
    }

    private void makeRoom(int bytes) throws IOException {
        if (buffer.length < CAPACITY) {
            buffer = Arrays.copyOf(buffer, Math.min(CAPACITY, Math.max(2 * buffer.length, position + bytes)));
            if (position + bytes <= buffer.length) {
                return;
            }
        }
        flushBuffer();
    }

    private void flushBuffer() throws IOException {
        out.write(buffer, 0, position);
        position = 0;
    }

    @Override
    public final void close() throws IOException {
        try {
            flushBuffer();
        } finally {
            out.close();
        }
    }
}
