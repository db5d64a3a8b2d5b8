package io.ret.server.comparison;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Collects one side's rows: in memory, split into {@link Buckets}, while the shared
 * {@link MemoryBudget} allows; otherwise in a {@link SpillFile} (grace-hash partitioning). After
 * the first {@value #INITIAL_ROWS} rows the store sizes itself for the row count the file size
 * suggests, and a file that will not fit spills at once rather than after filling the budget.
 */
final class SideStore implements RowScanner.RowConsumer, AutoCloseable {
    /** Decisions both sides of one comparison must share: bucket bits and partition count. */
    static final class Plan {
        private static final int MAX_PARTITIONS = 256;
        private final long totalBytes;
        private final long largestFileBytes;
        private final MemoryBudget budget;
        private final Path workDir;
        private final boolean ordered;
        private int partitions;
        private int bucketBits = -1;

        Plan(long leftBytes, long rightBytes, MemoryBudget budget, Path workDir, boolean ordered) {
            this.totalBytes = leftBytes + rightBytes;
            this.largestFileBytes = Math.max(leftBytes, rightBytes);
            this.budget = budget;
            this.workDir = workDir;
            this.ordered = ordered;
        }

        /**
         * Fixed on first call: enough partitions that one of them (both sides) needs at most an
         * eighth of the budget, so a spilled comparison works in less memory than pairs that fit.
         */
        synchronized int partitions(double bytesPerRow) {
            if (partitions == 0) {
                double rows = totalBytes / Math.max(1.0, bytesPerRow);
                double wanted = rows * MemoryBudget.BYTES_PER_ROW / Math.max(1, budget.limit() / 8);
                partitions = Math.min(MAX_PARTITIONS, Integer.highestOneBit((int) Math.max(2, Math.ceil(wanted)) * 2 - 1));
            }
            return partitions;
        }

        synchronized int partitions() {
            return partitions;
        }

        /** Fixed on first call, from the larger file; ordered comparison keeps one bucket in row order. */
        synchronized int bucketBits(double bytesPerRow) {
            if (bucketBits < 0) {
                bucketBits = ordered ? 0 : Buckets.bitsFor((long) (largestFileBytes / Math.max(1.0, bytesPerRow)));
            }
            return bucketBits;
        }
    }

    private static final int INITIAL_ROWS = 1024;

    private final MemoryBudget budget;
    private final Plan plan;
    private final long dataStart;
    private final long dataEnd;
    private final String refusal;
    private Buckets memory = new Buckets(0, INITIAL_ROWS);
    private boolean sized;
    private long reserved;
    private SpillFile spill;

    /**
     * @param refusal null to allow spilling, else the message of the failure when the budget is
     *                exceeded (ordered comparison cannot be partitioned)
     */
    SideStore(MemoryBudget budget, Plan plan, long dataStart, long dataEnd, String refusal) {
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
        RowIndex part = memory.partFor(keyHash);
        if (part.isFull()) {
            if (!makeRoom(part, rowNo, offset - dataStart)) {
                if (refusal != null) {
                    throw new BadInputException(refusal);
                }
                spillTo(plan.partitions(bytesPerRow(rowNo, offset - dataStart)));
                spill.add(rowNo, offset, keyHash, rowHash);
                return;
            }
            part = memory.partFor(keyHash);
        }
        part.add(rowNo, offset, keyHash, rowHash);
    }

    /** The first time: buckets sized for the estimated rows; later: the full bucket grows by half. */
    private boolean makeRoom(RowIndex part, long rowsSoFar, long bytesSoFar) {
        if (!sized) {
            sized = true;
            double bytesPerRow = bytesPerRow(rowsSoFar, bytesSoFar);
            long rows = (long) ((dataEnd - dataStart) / bytesPerRow * 1.05) + 16;
            if (!reserve(rows)) {
                return false;
            }
            int bits = plan.bucketBits(bytesPerRow);
            memory = memory.rebucket(bits, (int) Math.min(Integer.MAX_VALUE - 16, (rows >> bits) + 16), false);
            return true;
        }
        int more = (part.capacity() >> 1) + 16;
        if (part.capacity() + (long) more > Integer.MAX_VALUE - 16 || !reserve(more)) {
            return false;
        }
        part.grow(part.capacity() + more);
        return true;
    }

    private boolean reserve(long rows) {
        long bytes = rows * MemoryBudget.BYTES_PER_ROW;
        if (!budget.tryReserve(bytes)) {
            return false;
        }
        reserved += bytes;
        return true;
    }

    private static double bytesPerRow(long rows, long bytes) {
        return Math.max(1.0, (double) bytes / Math.max(1, rows));
    }

    /** Moves the in-memory rows to a spill file with the given partition count. */
    void spillTo(int partitions) throws IOException {
        spill = new SpillFile(plan.workDir, partitions);
        for (int b = 0; b < memory.count(); b++) {
            spill.addAll(memory.part(b));
        }
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

    /** Keyless fallback: the row hash becomes the key, re-bucketing (or re-partitioning) by it. */
    void keyByRowHash() throws IOException {
        if (spill == null) {
            memory = memory.rebucket(memory.bits(), 16, true);
            return;
        }
        SpillFile rekeyed = new SpillFile(plan.workDir, spill.partitions());
        try {
            for (int p = 0; p < spill.partitions(); p++) {
                RowIndex rows = spill.read(p);
                for (int i = 0; i < rows.size; i++) {
                    rekeyed.add(rows.rowNo(i), rows.offset(i), rows.rowHash(i), rows.rowHash(i));
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

    /** The in-memory rows, split like {@code other}'s so bucket b meets bucket b. */
    Buckets memory(Buckets other) {
        if (other != null && other.bits() != memory.bits()) {
            memory = memory.rebucket(other.bits(), 16, false);
        }
        return memory;
    }

    Buckets memory() {
        return memory;
    }

    boolean spilled() {
        return spill != null;
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
