package io.ret.server.comparison;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Reads single rows back by byte offset, for the few rows that changed. Keeps one window of the
 * file so rows read in ascending order cost one read per window.
 */
final class RowReader implements AutoCloseable {
    private final FileChannel channel;
    private final byte delimiter;
    private final long size;
    // small: most reads are of single scattered rows, and a longer row makes it grow
    private byte[] window = new byte[4 << 10];
    private long windowStart = -1;
    private int windowLength;

    RowReader(CsvSource source) throws IOException {
        this.channel = FileChannel.open(source.data());
        this.delimiter = source.delimiter();
        this.size = channel.size();
    }

    List<String> read(long offset) throws IOException {
        while (true) {
            if (windowStart >= 0 && offset >= windowStart && offset < windowStart + windowLength) {
                int from = (int) (offset - windowStart);
                boolean eof = windowStart + windowLength >= size;
                RecordParser.Record record = RecordParser.parse(window, from, windowLength, eof, delimiter);
                if (record != null) {
                    return record.cells();
                }
                if (from == 0) {
                    window = Arrays.copyOf(window, window.length * 2);
                }
            }
            load(offset);
        }
    }

    private void load(long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(window);
        while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
            // fill the window or reach the end of the file
        }
        if (buffer.position() == 0) {
            throw new IOException("file ended before byte " + offset + "; was it changed during the comparison?");
        }
        windowStart = offset;
        windowLength = buffer.position();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
