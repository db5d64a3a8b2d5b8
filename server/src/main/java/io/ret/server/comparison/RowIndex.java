package io.ret.server.comparison;

import java.util.Arrays;

/**
 * Rows of one side as 32 bytes each: row number, byte offset in the file (to re-read the row
 * when it changed), key hash and row hash. Row numbers ascend with the index.
 */
final class RowIndex {
    static final int RECORD_BYTES = 32;

    long[] rowNo;
    long[] offset;
    long[] keyHash;
    long[] rowHash;
    int size;

    RowIndex(int capacity) {
        capacity = Math.max(capacity, 16);
        rowNo = new long[capacity];
        offset = new long[capacity];
        keyHash = new long[capacity];
        rowHash = new long[capacity];
    }

    int capacity() {
        return rowNo.length;
    }

    boolean isFull() {
        return size == rowNo.length;
    }

    void grow(int capacity) {
        rowNo = Arrays.copyOf(rowNo, capacity);
        offset = Arrays.copyOf(offset, capacity);
        keyHash = Arrays.copyOf(keyHash, capacity);
        rowHash = Arrays.copyOf(rowHash, capacity);
    }

    void add(long row, long at, long key, long hash) {
        rowNo[size] = row;
        offset[size] = at;
        keyHash[size] = key;
        rowHash[size] = hash;
        size++;
    }

    /** Keyless comparison: the row hash is the key. */
    void keyByRowHash() {
        keyHash = rowHash;
    }

    /** Splits into 2^bits indexes by key hash (bits independent of the spill partitions'), keeping row order. */
    RowIndex[] split(int bits) {
        int[] counts = new int[1 << bits];
        for (int i = 0; i < size; i++) {
            counts[bucketOf(keyHash[i], bits)]++;
        }
        RowIndex[] buckets = new RowIndex[counts.length];
        for (int b = 0; b < buckets.length; b++) {
            buckets[b] = new RowIndex(counts[b]);
        }
        for (int i = 0; i < size; i++) {
            buckets[bucketOf(keyHash[i], bits)].add(rowNo[i], offset[i], keyHash[i], rowHash[i]);
        }
        return buckets;
    }

    private static int bucketOf(long keyHash, int bits) {
        return (int) (Hashing.mix(keyHash ^ 0x2545F4914F6CDD1DL) >>> (64 - bits));
    }

    /** Number of distinct key hashes that occur more than once. */
    int duplicateKeys() {
        long[] keys = Arrays.copyOf(keyHash, size);
        Arrays.sort(keys);
        int duplicates = 0;
        for (int i = 1; i < keys.length; i++) {
            if (keys[i] == keys[i - 1] && (i == 1 || keys[i - 1] != keys[i - 2])) {
                duplicates++;
            }
        }
        return duplicates;
    }
}
