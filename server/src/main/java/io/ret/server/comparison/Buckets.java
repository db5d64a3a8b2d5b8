package io.ret.server.comparison;

/**
 * One side's rows split by key hash into 2^bits {@link RowIndex}es of about {@link #TARGET_ROWS}
 * rows, each in row order. Bucket b of the left is joined with bucket b of the right, and a
 * bucket's hash table then fits in the CPU cache: one table over all rows would cost a cache
 * miss per probe. The split uses other hash bits than the spill partitions and the join tables.
 */
final class Buckets {
    static final int TARGET_ROWS = 4096;

    private final int bits;
    private final RowIndex[] parts;

    Buckets(int bits, int capacityEach) {
        this.bits = bits;
        this.parts = new RowIndex[1 << bits];
        for (int b = 0; b < parts.length; b++) {
            parts[b] = new RowIndex(capacityEach);
        }
    }

    /** Bits for buckets of about {@link #TARGET_ROWS} rows. */
    static int bitsFor(long rows) {
        return rows <= TARGET_ROWS ? 0 : Math.min(20, 64 - Long.numberOfLeadingZeros((rows - 1) / TARGET_ROWS));
    }

    int bits() {
        return bits;
    }

    int count() {
        return parts.length;
    }

    RowIndex part(int bucket) {
        return parts[bucket];
    }

    RowIndex partFor(long keyHash) {
        return parts[bits == 0 ? 0 : (int) (Hashing.mix(keyHash ^ 0x2545F4914F6CDD1DL) >>> (64 - bits))];
    }

    long rows() {
        long rows = 0;
        for (RowIndex part : parts) {
            rows += part.size;
        }
        return rows;
    }

    /** The same rows split by {@code newBits}, keyed by row hash when {@code byRowHash} (keyless). */
    Buckets rebucket(int newBits, int capacityEach, boolean byRowHash) {
        Buckets copy = new Buckets(newBits, capacityEach);
        for (RowIndex part : parts) {
            for (int i = 0; i < part.size; i++) {
                long key = byRowHash ? part.rowHash(i) : part.keyHash(i);
                copy.add(part.rowNo(i), part.offset(i), key, part.rowHash(i));
            }
        }
        copy.sortByRow();
        return copy;
    }

    /** Adds a row, growing its bucket as needed (no budget check: for rows already counted). */
    void add(long rowNo, long offset, long keyHash, long rowHash) {
        RowIndex part = partFor(keyHash);
        if (part.isFull()) {
            part.grow(part.capacity() + (part.capacity() >> 1) + 16);
        }
        part.add(rowNo, offset, keyHash, rowHash);
    }

    /** Puts each bucket back in row order (rows arrive grouped by their former bucket). */
    void sortByRow() {
        for (RowIndex part : parts) {
            part.sortByRow();
        }
    }

    long duplicateKeys() {
        long duplicates = 0;
        for (RowIndex part : parts) {
            duplicates += part.duplicateKeys(); // equal keys always share a bucket
        }
        return duplicates;
    }

    /** Empties every bucket but keeps its arrays, to load the next spill partition without garbage. */
    void clear() {
        for (RowIndex part : parts) {
            part.size = 0;
        }
    }
}
