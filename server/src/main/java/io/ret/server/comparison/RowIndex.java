package io.ret.server.comparison;

import java.util.Arrays;

/**
 * Rows of one side as 32 bytes each, stored together so that writing or reading a row touches
 * one cache line: row number, byte offset in the file (to re-read the row when it changed), key
 * hash and row hash.
 */
final class RowIndex {
    static final int RECORD_BYTES = 32;

    private long[] data;
    int size;

    RowIndex(int capacity) {
        data = new long[capacity * 4];
    }

    long rowNo(int i) {
        return data[i << 2];
    }

    long offset(int i) {
        return data[(i << 2) + 1];
    }

    long keyHash(int i) {
        return data[(i << 2) + 2];
    }

    long rowHash(int i) {
        return data[(i << 2) + 3];
    }

    int capacity() {
        return data.length >> 2;
    }

    boolean isFull() {
        return size << 2 == data.length;
    }

    void grow(int capacity) {
        data = Arrays.copyOf(data, capacity * 4);
    }

    void add(long row, long at, long key, long hash) {
        int i = size << 2;
        data[i] = row;
        data[i + 1] = at;
        data[i + 2] = key;
        data[i + 3] = hash;
        size++;
    }

    /** Reorders by row number, if not in order already. */
    void sortByRow() {
        int i = 1;
        while (i < size && rowNo(i - 1) < rowNo(i)) {
            i++;
        }
        if (i >= size) {
            return;
        }
        Integer[] order = new Integer[size];
        for (int k = 0; k < size; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Long.compare(rowNo(a), rowNo(b)));
        long[] sorted = new long[data.length];
        for (int k = 0; k < size; k++) {
            System.arraycopy(data, order[k] << 2, sorted, k << 2, 4);
        }
        data = sorted;
    }

    /** Number of distinct key hashes that occur more than once. */
    int duplicateKeys() {
        long[] keys = new long[size];
        for (int k = 0; k < size; k++) {
            keys[k] = keyHash(k);
        }
        Arrays.sort(keys);
        int duplicates = 0;
        for (int k = 1; k < keys.length; k++) {
            if (keys[k] == keys[k - 1] && (k == 1 || keys[k - 1] != keys[k - 2])) {
                duplicates++;
            }
        }
        return duplicates;
    }
}
