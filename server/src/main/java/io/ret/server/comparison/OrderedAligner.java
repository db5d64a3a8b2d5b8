package io.ret.server.comparison;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Ordered (keyless) alignment on row hashes, patience-diff style:
 * <ol>
 * <li>rows equal at the start and at the end of a range are unchanged;</li>
 * <li>in what remains, rows whose hash occurs exactly once on each side are candidate anchors;
 * the longest run of them in increasing order on both sides (longest increasing subsequence)
 * becomes unchanged, and the ranges between anchors are aligned the same way;</li>
 * <li>a range with no anchor is a gap: its first min(removed, added) rows are paired by
 * position as modified (verified cell by cell), the rest are removed, then added.</li>
 * </ol>
 * Everything is reported in row order. Time O(n log n); memory the two hash arrays plus a
 * hash table per range.
 */
final class OrderedAligner {
    /** A range still to align, or a run of {@code length} unchanged rows when {@code run}. */
    private record Work(int l0, int l1, int r0, int r1, boolean run) {
    }

    private final RowIndex left;
    private final RowIndex right;
    private final JoinListener out;
    private final Checkpoint checkpoint;

    private OrderedAligner(RowIndex left, RowIndex right, JoinListener out, Checkpoint checkpoint) {
        this.left = left;
        this.right = right;
        this.out = out;
        this.checkpoint = checkpoint;
    }

    static void align(RowIndex left, RowIndex right, JoinListener out, Checkpoint checkpoint) {
        new OrderedAligner(left, right, out, checkpoint).run();
    }

    private void run() {
        Deque<Work> stack = new ArrayDeque<>();
        stack.push(new Work(0, left.size, 0, right.size, false));
        while (!stack.isEmpty()) {
            checkpoint.check();
            Work w = stack.pop();
            if (w.run()) {
                out.unchanged(w.l1() - w.l0());
                continue;
            }
            int l0 = w.l0(), l1 = w.l1(), r0 = w.r0(), r1 = w.r1();
            int prefix = 0;
            while (l0 + prefix < l1 && r0 + prefix < r1 && left.rowHash(l0 + prefix) == right.rowHash(r0 + prefix)) {
                prefix++;
            }
            out.unchanged(prefix);
            l0 += prefix;
            r0 += prefix;
            int suffix = 0;
            while (l1 - suffix > l0 && r1 - suffix > r0 && left.rowHash(l1 - 1 - suffix) == right.rowHash(r1 - 1 - suffix)) {
                suffix++;
            }
            l1 -= suffix;
            r1 -= suffix;
            if (suffix > 0) {
                stack.push(new Work(l1, l1 + suffix, r1, r1 + suffix, true));
            }
            int[][] anchors = anchors(l0, l1, r0, r1);
            if (anchors[0].length == 0) {
                gap(l0, l1, r0, r1);
                continue;
            }
            // push back to front so the ranges pop in row order
            int k = anchors[0].length;
            stack.push(new Work(anchors[0][k - 1] + 1, l1, anchors[1][k - 1] + 1, r1, false));
            for (int i = k - 1; i >= 0; i--) {
                int la = anchors[0][i];
                int ra = anchors[1][i];
                stack.push(new Work(la, la + 1, ra, ra + 1, true));
                int lStart = i == 0 ? l0 : anchors[0][i - 1] + 1;
                int rStart = i == 0 ? r0 : anchors[1][i - 1] + 1;
                stack.push(new Work(lStart, la, rStart, ra, false));
            }
        }
    }

    private void gap(int l0, int l1, int r0, int r1) {
        int paired = Math.min(l1 - l0, r1 - r0);
        for (int i = 0; i < paired; i++) {
            out.candidate(left, l0 + i, right, r0 + i);
        }
        for (int l = l0 + paired; l < l1; l++) {
            out.removed(left, l);
        }
        for (int r = r0 + paired; r < r1; r++) {
            out.added(right, r);
        }
    }

    /** Positions {left[], right[]} of the longest increasing run of rows unique on both sides. */
    private int[][] anchors(int l0, int l1, int r0, int r1) {
        int n = (l1 - l0) + (r1 - r0);
        if (l0 == l1 || r0 == r1) {
            return new int[][] {new int[0], new int[0]};
        }
        int capacity = Integer.highestOneBit(Math.max(4, n * 2) * 2 - 1);
        int mask = capacity - 1;
        long[] keys = new long[capacity];
        byte[] leftCount = new byte[capacity];
        byte[] rightCount = new byte[capacity];
        int[] rightPos = new int[capacity];
        boolean[] used = new boolean[capacity];
        for (int l = l0; l < l1; l++) {
            int s = slot(keys, used, mask, left.rowHash(l));
            leftCount[s] = (byte) Math.min(2, leftCount[s] + 1);
        }
        for (int r = r0; r < r1; r++) {
            int s = slot(keys, used, mask, right.rowHash(r));
            rightCount[s] = (byte) Math.min(2, rightCount[s] + 1);
            rightPos[s] = r;
        }
        // unique-on-both rows in left order, with their right positions
        int[] ls = new int[Math.min(l1 - l0, r1 - r0)];
        int[] rs = new int[ls.length];
        int m = 0;
        for (int l = l0; l < l1 && m < ls.length; l++) {
            int s = slot(keys, used, mask, left.rowHash(l));
            if (leftCount[s] == 1 && rightCount[s] == 1) {
                ls[m] = l;
                rs[m] = rightPos[s];
                m++;
            }
        }
        return longestIncreasing(ls, rs, m);
    }

    private static int slot(long[] keys, boolean[] used, int mask, long key) {
        int s = (int) (key ^ (key >>> 32)) & mask;
        while (used[s] && keys[s] != key) {
            s = (s + 1) & mask;
        }
        if (!used[s]) {
            used[s] = true;
            keys[s] = key;
        }
        return s;
    }

    /** Patience sorting: the longest subsequence of the m pairs with increasing right positions. */
    private static int[][] longestIncreasing(int[] ls, int[] rs, int m) {
        int[] tails = new int[m]; // index of the pair ending the best run of each length
        int[] previous = new int[m];
        int length = 0;
        for (int i = 0; i < m; i++) {
            int lo = 0, hi = length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (rs[tails[mid]] < rs[i]) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            previous[i] = lo > 0 ? tails[lo - 1] : -1;
            tails[lo] = i;
            if (lo == length) {
                length++;
            }
        }
        int[] outLeft = new int[length];
        int[] outRight = new int[length];
        for (int i = length - 1, at = length == 0 ? -1 : tails[length - 1]; i >= 0; i--, at = previous[at]) {
            outLeft[i] = ls[at];
            outRight[i] = rs[at];
        }
        return new int[][] {outLeft, outRight};
    }
}
