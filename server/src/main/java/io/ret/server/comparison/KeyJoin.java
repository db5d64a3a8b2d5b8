package io.ret.server.comparison;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hash join of two row indexes on their key hash. Rows whose key occurs once on each side are
 * paired; a key on more than one row of a side is matched as a multiset within the key (equal
 * row hashes pair up, in row order; the rest are removed or added). In keyless mode the key hash
 * is the row hash, so this is a plain multiset difference. Within a bucket, results come in left
 * row order, then right-only keys in right row order.
 */
final class KeyJoin {
    private final RowIndex left;
    private final RowIndex right;
    private final JoinListener out;
    private final Checkpoint checkpoint;
    private final int[] leftNext;
    private final int[] rightNext;
    private long[] slotKey;
    private int[] slotLeft;
    private int[] slotRight;
    private int mask;
    private int used;

    private KeyJoin(RowIndex left, RowIndex right, JoinListener out, Checkpoint checkpoint) {
        this.left = left;
        this.right = right;
        this.out = out;
        this.checkpoint = checkpoint;
        this.leftNext = new int[left.size];
        this.rightNext = new int[right.size];
        allocate(Integer.highestOneBit(Math.max(16, Math.max(left.size, right.size) * 2) * 2 - 1));
    }

    /** Joins bucket by bucket (both sides split alike). */
    static void join(Buckets left, Buckets right, JoinListener out, Checkpoint checkpoint) {
        if (left.bits() != right.bits()) {
            throw new IllegalArgumentException("buckets differ: " + left.bits() + " and " + right.bits() + " bits");
        }
        for (int b = 0; b < left.count(); b++) {
            joinBucket(left.part(b), right.part(b), out, checkpoint);
        }
    }

    private static void joinBucket(RowIndex left, RowIndex right, JoinListener out, Checkpoint checkpoint) {
        KeyJoin join = new KeyJoin(left, right, out, checkpoint);
        join.build();
        join.emit();
    }

    private void build() {
        // backwards, so that each chain lists its rows in ascending order
        for (int i = left.size - 1; i >= 0; i--) {
            int s = insert(left.keyHash(i));
            leftNext[i] = slotLeft[s];
            slotLeft[s] = i;
        }
        for (int i = right.size - 1; i >= 0; i--) {
            int s = insert(right.keyHash(i));
            rightNext[i] = slotRight[s];
            slotRight[s] = i;
        }
    }

    /**
     * Classifies every row in two tight loops that only note the changed ones, then reports them;
     * keeping file reads out of the loops keeps the loops small and fast.
     */
    private void emit() {
        Changes changes = new Changes();
        long unchanged = 0;
        for (int l = 0; l < left.size; l++) {
            if ((l & 0xFFFF) == 0) {
                checkpoint.check();
            }
            int s = find(left.keyHash(l));
            if (slotLeft[s] != l) {
                continue; // a later row of a duplicated key: handled with its first row
            }
            int r = slotRight[s];
            if (leftNext[l] >= 0 || (r >= 0 && rightNext[r] >= 0)) {
                changes.add(Changes.GROUP, l, r);
            } else if (r < 0) {
                changes.add(Changes.REMOVED, l, -1);
            } else if (left.rowHash(l) == right.rowHash(r)) {
                unchanged++;
            } else {
                changes.add(Changes.CANDIDATE, l, r);
            }
        }
        for (int r = 0; r < right.size; r++) {
            if ((r & 0xFFFF) == 0) {
                checkpoint.check();
            }
            int s = find(right.keyHash(r));
            if (slotRight[s] == r && slotLeft[s] < 0) {
                changes.add(rightNext[r] >= 0 ? Changes.GROUP : Changes.ADDED, -1, r);
            }
        }
        out.unchanged(unchanged);
        for (int i = 0; i < changes.size; i++) {
            if ((i & 0xFFF) == 0) {
                checkpoint.check();
            }
            int l = changes.left[i];
            int r = changes.right[i];
            switch (changes.kind[i]) {
                case Changes.GROUP -> group(l, r);
                case Changes.REMOVED -> out.removed(left, l);
                case Changes.ADDED -> out.added(right, r);
                default -> out.candidate(left, l, right, r);
            }
        }
    }

    /** Growable list of (kind, left row, right row). */
    private static final class Changes {
        static final byte CANDIDATE = 0, REMOVED = 1, ADDED = 2, GROUP = 3;
        byte[] kind = new byte[256];
        int[] left = new int[256];
        int[] right = new int[256];
        int size;

        void add(byte k, int l, int r) {
            if (size == kind.length) {
                kind = Arrays.copyOf(kind, size * 2);
                left = Arrays.copyOf(left, size * 2);
                right = Arrays.copyOf(right, size * 2);
            }
            kind[size] = k;
            left[size] = l;
            right[size] = r;
            size++;
        }
    }

    /** Rows sharing one key, several on at least one side: a multiset match on row hash. */
    private void group(int leftHead, int rightHead) {
        List<Integer> lefts = chain(leftHead, leftNext);
        List<Integer> rights = chain(rightHead, rightNext);
        if (lefts.size() > 1) {
            out.duplicateKey(true, left, lefts.get(0), lefts.get(1));
        }
        if (rights.size() > 1) {
            out.duplicateKey(false, right, rights.get(0), rights.get(1));
        }
        Map<Long, ArrayDeque<Integer>> unmatchedRight = new HashMap<>();
        for (int r : rights) {
            unmatchedRight.computeIfAbsent(right.rowHash(r), h -> new ArrayDeque<>()).add(r);
        }
        boolean[] rightMatched = new boolean[rights.size()];
        long unchanged = 0;
        List<Integer> removed = new ArrayList<>();
        for (int l : lefts) {
            ArrayDeque<Integer> same = unmatchedRight.get(left.rowHash(l));
            if (same != null && !same.isEmpty()) {
                rightMatched[Collections.binarySearch(rights, same.poll())] = true;
                unchanged++;
            } else {
                removed.add(l);
            }
        }
        out.unchanged(unchanged);
        for (int l : removed) {
            out.removed(left, l);
        }
        for (int i = 0; i < rights.size(); i++) {
            if (!rightMatched[i]) {
                out.added(right, rights.get(i));
            }
        }
    }

    private static List<Integer> chain(int head, int[] next) {
        List<Integer> rows = new ArrayList<>();
        for (int i = head; i >= 0; i = next[i]) {
            rows.add(i);
        }
        return rows;
    }

    private int find(long key) {
        int s = spread(key) & mask;
        while ((slotLeft[s] >= 0 || slotRight[s] >= 0) && slotKey[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }

    private int insert(long key) {
        int s = find(key);
        if (slotLeft[s] < 0 && slotRight[s] < 0) {
            if (used + 1 > mask - (mask >> 2)) {
                grow();
                s = find(key);
            }
            slotKey[s] = key; // the caller sets a head at once, which marks the slot used
            used++;
        }
        return s;
    }

    private void grow() {
        long[] oldKey = slotKey;
        int[] oldLeft = slotLeft;
        int[] oldRight = slotRight;
        allocate(oldKey.length * 2);
        for (int i = 0; i < oldKey.length; i++) {
            if (oldLeft[i] >= 0 || oldRight[i] >= 0) {
                int s = find(oldKey[i]);
                slotKey[s] = oldKey[i];
                slotLeft[s] = oldLeft[i];
                slotRight[s] = oldRight[i];
            }
        }
    }

    private void allocate(int capacity) {
        slotKey = new long[capacity];
        slotLeft = new int[capacity];
        slotRight = new int[capacity];
        Arrays.fill(slotLeft, -1);
        Arrays.fill(slotRight, -1);
        mask = capacity - 1;
    }

    private static int spread(long key) {
        return (int) (key ^ (key >>> 32));
    }
}
