package io.ret.server.conversion;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream with a buffer its writer fills directly ({@code buffer[position++] = b} after
 * {@link #ensure}), for the converter's two hot writers: the spill and the CSV files.
 */
abstract sealed class ByteOutput implements Closeable permits SpillWriter, CsvOutput {

    private final OutputStream out;
    final byte[] buffer = new byte[64 * 1024];
    int position;

    ByteOutput(OutputStream out) {
        this.out = out;
    }

    /** Room for {@code bytes} more in the buffer (at most its size). */
    final void ensure(int bytes) throws IOException {
        if (position + bytes > buffer.length) {
            flushBuffer();
        }
    }

    final void write(byte[] bytes, int offset, int length) throws IOException {
        if (length > buffer.length - position) {
            flushBuffer();
            if (length > buffer.length) {
                out.write(bytes, offset, length);
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, position, length);
        position += length;
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
