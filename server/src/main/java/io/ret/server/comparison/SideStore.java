package io.ret.server.comparison;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Collects one side's rows: in memory while the shared {@link MemoryBudget} allows, then in a
 * {@link SpillFile} (grace-hash partitioning). The first side to spill fixes the partition count
 * for both, estimated from the bytes per row seen so far and both files' sizes.
 */
final class SideStore implements RowScanner.RowConsumer, AutoCloseable {
    /** Shared by both sides of one comparison. */
    static final class SpillPlan {
        private static final int MAX_PARTITIONS = 256;
        private final long totalBytes;
        private final MemoryBudget budget;
        private final Path workDir;
        private int partitions;

        SpillPlan(long totalBytes, MemoryBudget budget, Path workDir) {
            this.totalBytes = totalBytes;
            this.budget = budget;
            this.workDir = workDir;
        }

        /** Fixed on first call: enough partitions that each needs at most half the budget. */
        synchronized int partitions(long rowsSoFar, long bytesSoFar) {
            if (partitions == 0) {
                double bytesPerRow = Math.max(1.0, (double) bytesSoFar / Math.max(1, rowsSoFar));
                double rows = totalBytes / bytesPerRow;
                double wanted = rows * MemoryBudget.BYTES_PER_ROW / Math.max(1, budget.limit() / 2);
                partitions = Math.min(MAX_PARTITIONS, Integer.highestOneBit((int) Math.max(2, Math.ceil(wanted)) * 2 - 1));
            }
            return partitions;
        }

        synchronized int partitions() {
            return partitions;
        }
    }

    private static final int INITIAL_ROWS = 1024;

    private final MemoryBudget budget;
    private final SpillPlan plan;
    private final long dataStart;
    private final long dataEnd;
    private final String refusal;
    private RowIndex memory = new RowIndex(INITIAL_ROWS);
    private long reserved;
    private SpillFile spill;

    /**
     * @param refusal null to allow spilling, else the message of the failure when the budget is
     *                exceeded (ordered comparison cannot be partitioned)
     */
    SideStore(MemoryBudget budget, SpillPlan plan, long dataStart, long dataEnd, String refusal) {
        this.budget = budget;
        this.plan = plan;
        this.dataStart = dataStart;
        this.dataEnd = dataEnd;
        this.refusal = refusal;
    }

    @Override
    public void row(long rowNo, long offset, long keyHash, long rowHash) throws IOException {
        if (spill != null) {
            spill.add(rowNo, offset, keyHash, rowHash);
            return;
        }
        if (memory.isFull() && !grow(rowNo, offset - dataStart)) {
            if (refusal != null) {
                throw new BadInputException(refusal);
            }
            spillTo(plan.partitions(rowNo, offset - dataStart));
            spill.add(rowNo, offset, keyHash, rowHash);
            return;
        }
        memory.add(rowNo, offset, keyHash, rowHash);
    }

    /**
     * Makes room within the budget: the first time to the row count the file size suggests (so
     * large files are not copied over and over while growing), then by half.
     */
    private boolean grow(long rowsSoFar, long bytesSoFar) {
        int current = memory.capacity();
        long estimate = current == INITIAL_ROWS && bytesSoFar > 0
                ? (long) ((double) (dataEnd - dataStart) * rowsSoFar / bytesSoFar * 1.05) : 0;
        for (long wanted : new long[] {estimate, current + (current >> 1)}) {
            wanted = Math.min(wanted, Integer.MAX_VALUE - 16);
            if (wanted <= current) {
                continue;
            }
            long extra = (wanted - current) * MemoryBudget.BYTES_PER_ROW;
            if (budget.tryReserve(extra)) {
                reserved += extra;
                memory.grow((int) wanted);
                return true;
            }
        }
        return false;
    }

    /** Moves the in-memory rows to a spill file with the given partition count. */
    void spillTo(int partitions) throws IOException {
        spill = new SpillFile(plan.workDir, partitions);
        spill.addAll(memory);
        memory = null;
        budget.release(reserved);
        reserved = 0;
    }

    /** Ends the scan: flushes spill buffers. */
    void finish() throws IOException {
        if (spill != null) {
            spill.finish();
        }
    }

    /** Keyless fallback: the row hash becomes the key, re-partitioning spilled rows by it. */
    void keyByRowHash() throws IOException {
        if (spill == null) {
            memory.keyByRowHash();
            return;
        }
        SpillFile rekeyed = new SpillFile(plan.workDir, spill.partitions());
        try {
            for (int p = 0; p < spill.partitions(); p++) {
                RowIndex rows = spill.read(p);
                for (int i = 0; i < rows.size; i++) {
                    rekeyed.add(rows.rowNo[i], rows.offset[i], rows.rowHash[i], rows.rowHash[i]);
                }
            }
            rekeyed.finish();
        } catch (IOException | RuntimeException e) {
            rekeyed.close();
            throw e;
        }
        spill.close();
        spill = rekeyed;
    }

    /** Number of key hashes found on more than one row. */
    long duplicateKeys() throws IOException {
        if (spill == null) {
            return memory.duplicateKeys();
        }
        long duplicates = 0;
        for (int p = 0; p < spill.partitions(); p++) {
            duplicates += spill.read(p).duplicateKeys();
        }
        return duplicates;
    }

    boolean spilled() {
        return spill != null;
    }

    RowIndex memory() {
        return memory;
    }

    SpillFile spill() {
        return spill;
    }

    @Override
    public void close() throws IOException {
        budget.release(reserved);
        reserved = 0;
        memory = null;
        if (spill != null) {
            spill.close();
        }
    }
}
