package io.ret.server.comparison;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One side's rows on disk, hash-partitioned by key. Each partition collects records in its own
 * buffer; a full buffer goes to the end of a single file as a fixed-size block, so reading a
 * partition back means reading its blocks, and records keep their row order.
 */
final class SpillFile implements AutoCloseable {
    private static final int BLOCK_BYTES = 32 << 10;

    private final Path path;
    private final FileChannel channel;
    private final int bits;
    private final ByteBuffer[] buffers;
    private int[] blockPartition = new int[64];
    private int[] blockRecords = new int[64];
    private int blocks;
    private final long[] partitionRows;

    SpillFile(Path workDir, int partitions) throws IOException {
        if (Integer.bitCount(partitions) != 1) {
            throw new IllegalArgumentException("partitions must be a power of two: " + partitions);
        }
        Files.createDirectories(workDir);
        this.path = Files.createTempFile(workDir, "ret-diff-", ".spill");
        // on Linux DELETE_ON_CLOSE unlinks at once: the space is freed even if the JVM dies
        this.channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
        this.bits = Integer.numberOfTrailingZeros(partitions);
        this.buffers = new ByteBuffer[partitions];
        this.partitionRows = new long[partitions];
    }

    int partitions() {
        return buffers.length;
    }

    static int partitionOf(long keyHash, int bits) {
        return bits == 0 ? 0 : (int) (Hashing.mix(keyHash ^ 0x5851F42D4C957F2DL) >>> (64 - bits));
    }

    void add(long rowNo, long offset, long keyHash, long rowHash) throws IOException {
        int p = partitionOf(keyHash, bits);
        ByteBuffer buffer = buffers[p];
        if (buffer == null) {
            buffer = buffers[p] = ByteBuffer.allocate(BLOCK_BYTES);
        }
        buffer.putLong(rowNo).putLong(offset).putLong(keyHash).putLong(rowHash);
        partitionRows[p]++;
        if (!buffer.hasRemaining()) {
            writeBlock(p);
        }
    }

    void addAll(RowIndex rows) throws IOException {
        for (int i = 0; i < rows.size; i++) {
            add(rows.rowNo(i), rows.offset(i), rows.keyHash(i), rows.rowHash(i));
        }
    }

    /** Writes out the partly filled buffers; call once, after the last {@link #add}. */
    void finish() throws IOException {
        for (int p = 0; p < buffers.length; p++) {
            if (buffers[p] != null && buffers[p].position() > 0) {
                writeBlock(p);
            }
            buffers[p] = null;
        }
    }

    long rows(int partition) {
        return partitionRows[partition];
    }

    /**
     * A partition in row order, split into buckets for the join; {@code reuse} (may be null) is
     * filled instead of new buckets when it has the same bits.
     */
    Buckets read(int partition, int bits, Buckets reuse) throws IOException {
        Buckets buckets;
        if (reuse != null && reuse.bits() == bits) {
            buckets = reuse;
            buckets.clear();
        } else {
            // hashing spreads rows evenly: 10% over the mean leaves few buckets to grow
            buckets = new Buckets(bits, (int) ((partitionRows[partition] >> bits) * 1.1) + 64);
        }
        forEachRecord(partition, buckets::add);
        buckets.sortByRow(); // rows kept in memory before the spill come bucket by bucket
        return buckets;
    }

    /** A partition as one index, in the order written. */
    RowIndex read(int partition) throws IOException {
        RowIndex rows = new RowIndex((int) partitionRows[partition]);
        forEachRecord(partition, rows::add);
        return rows;
    }

    /** One 32-byte row record: its four longs. */
    @FunctionalInterface
    private interface RecordSink {
        void accept(long a, long b, long c, long d);
    }

    /** Every record of a partition, in the order written. */
    private void forEachRecord(int partition, RecordSink sink) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);
        for (int b = 0; b < blocks; b++) {
            if (blockPartition[b] != partition) {
                continue;
            }
            readBlock(b, block);
            while (block.hasRemaining()) {
                sink.accept(block.getLong(), block.getLong(), block.getLong(), block.getLong());
            }
        }
    }

    private void readBlock(int b, ByteBuffer block) throws IOException {
        block.clear().limit(blockRecords[b] * RowIndex.RECORD_BYTES);
        long at = (long) b * BLOCK_BYTES;
        while (block.hasRemaining()) {
            if (channel.read(block, at + block.position()) < 0) {
                throw new IOException("spill file " + path + " is shorter than written");
            }
        }
        block.flip();
    }

    private void writeBlock(int p) throws IOException {
        ByteBuffer buffer = buffers[p];
        if (blocks == blockPartition.length) {
            blockPartition = Arrays.copyOf(blockPartition, blocks * 2);
            blockRecords = Arrays.copyOf(blockRecords, blocks * 2);
        }
        blockPartition[blocks] = p;
        blockRecords[blocks] = buffer.position() / RowIndex.RECORD_BYTES;
        buffer.flip();
        long at = (long) blocks * BLOCK_BYTES;
        while (buffer.hasRemaining()) {
            channel.write(buffer, at + buffer.position());
        }
        buffer.clear();
        blocks++;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(path);
    }
}
