package io.ret.server.comparison;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which columns are compared and where they sit on each side. Compared columns ("slots") are
 * the columns present on both sides and not ignored, in left order; key columns are given or
 * detected (see {@link #detectKey}).
 */
record ColumnPlan(List<String> leftHeader, List<String> rightHeader, List<String> compared, List<String> keyColumns,
                  boolean keyDetected, Side left, Side right, ColumnChanges changes) {

    /** Per side: slot and key position of each column (-1 if none), and the reverse maps. */
    record Side(int headerSize, int[] slotOf, int[] keyPosOf, int[] columnOfSlot, int[] columnOfKey) {
        static Side of(List<String> header, List<String> compared, List<String> keys) {
            int[] slotOf = new int[header.size()];
            int[] keyPosOf = new int[header.size()];
            Arrays.fill(slotOf, -1);
            Arrays.fill(keyPosOf, -1);
            int[] columnOfSlot = new int[compared.size()];
            int[] columnOfKey = new int[keys.size()];
            for (int c = 0; c < header.size(); c++) {
                int slot = compared.indexOf(header.get(c));
                if (slot >= 0) {
                    slotOf[c] = slot;
                    columnOfSlot[slot] = c;
                }
                int k = keys.indexOf(header.get(c));
                if (k >= 0) {
                    keyPosOf[c] = k;
                    columnOfKey[k] = c;
                }
            }
            return new Side(header.size(), slotOf, keyPosOf, columnOfSlot, columnOfKey);
        }
    }

    /**
     * @param detect whether to look for a key when none is given
     * @throws BadInputException when a given key column is missing or no column can be compared
     */
    static ColumnPlan of(List<String> left, List<String> right, DiffOptions options, boolean detect) {
        List<String> compared = new ArrayList<>();
        for (String column : left) {
            if (right.contains(column) && !options.ignoreColumns().contains(column)) {
                compared.add(column);
            }
        }
        for (String key : options.keyColumns()) {
            boolean onLeft = left.contains(key);
            boolean onRight = right.contains(key);
            if (!onLeft || !onRight) {
                String side = !onLeft && !onRight ? "either side" : !onLeft ? "the left" : "the right";
                throw new BadInputException("key column '" + key + "' is missing on " + side);
            }
        }
        if (compared.isEmpty()) {
            throw new BadInputException("no column to compare: the files share no column that is not ignored");
        }
        List<String> keys = options.keyColumns();
        boolean detected = false;
        if (keys.isEmpty() && detect) {
            String candidate = detectKey(compared);
            if (candidate != null) {
                keys = List.of(candidate);
                detected = true;
            }
        }
        return new ColumnPlan(left, right, List.copyOf(compared), keys, detected, Side.of(left, compared, keys),
                Side.of(right, compared, keys), changes(left, right));
    }

    /**
     * The key candidate: the first compared column named {@code id}, else {@code key}, else the
     * first whose name ends in {@code _id} or {@code _key} (case-insensitive). The engine keeps it
     * only if its values are non-empty and unique on both sides.
     */
    static String detectKey(List<String> compared) {
        for (String wanted : List.of("id", "key")) {
            for (String column : compared) {
                if (column.strip().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return column;
                }
            }
        }
        for (String column : compared) {
            String name = column.strip().toLowerCase(Locale.ROOT);
            if (name.endsWith("_id") || name.endsWith("_key")) {
                return column;
            }
        }
        return null;
    }

    static ColumnChanges changes(List<String> left, List<String> right) {
        List<String> added = right.stream().filter(c -> !left.contains(c)).toList();
        List<String> removed = left.stream().filter(c -> !right.contains(c)).toList();
        List<String> sharedLeft = left.stream().filter(right::contains).toList();
        List<String> sharedRight = right.stream().filter(left::contains).toList();
        return new ColumnChanges(added, removed, !sharedLeft.equals(sharedRight));
    }

    ColumnPlan withoutKey() {
        return new ColumnPlan(leftHeader, rightHeader, compared, List.of(), false,
                Side.of(leftHeader, compared, List.of()), Side.of(rightHeader, compared, List.of()), changes);
    }
}
