package io.ret.server.comparison;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which columns are compared and where they sit on each side. Compared columns ("slots") are
 * the columns present on both sides and not ignored, in left order; key columns come from the
 * {@link TableKey}. {@code keyMayFallBack}: the key was detected or is a schema's natural key, so
 * if a value is empty or repeated the pair is compared as a multiset instead.
 */
record ColumnPlan(List<String> leftHeader, List<String> rightHeader, List<String> compared, List<String> keyColumns,
                  boolean keyMayFallBack, Side left, Side right, ColumnChanges changes) {

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
     * @param key      how rows are keyed (see {@link TableKey})
     * @param warnings where a key that does not apply to this pair is noted
     * @throws BadInputException when a key column is missing or no column can be compared
     */
    static ColumnPlan of(List<String> left, List<String> right, DiffOptions options, TableKey key,
                         List<String> warnings) {
        List<String> compared = new ArrayList<>();
        for (String column : left) {
            if (right.contains(column) && !options.ignoreColumns().contains(column)) {
                compared.add(column);
            }
        }
        if (key instanceof TableKey.Preferred preferred) {
            key = applicable(preferred, left, right, warnings);
        }
        List<String> keys = switch (key) {
            case TableKey.Given given -> given.columns();
            case TableKey.Natural natural -> natural.columns();
            default -> List.of();
        };
        for (String column : keys) {
            boolean onLeft = left.contains(column);
            boolean onRight = right.contains(column);
            if (!onLeft || !onRight) {
                String side = !onLeft && !onRight ? "either side" : !onLeft ? "the left" : "the right";
                throw new BadInputException("key column '" + column + "' is missing on " + side);
            }
            if (options.ignoreColumns().contains(column)) {
                throw new BadInputException("key column '" + column + "' is also ignored");
            }
        }
        if (compared.isEmpty()) {
            throw new BadInputException("no column to compare: the files share no column that is not ignored");
        }
        boolean mayFallBack = key instanceof TableKey.Natural;
        if (key instanceof TableKey.Detect) {
            String candidate = detectKey(compared);
            if (candidate != null) {
                keys = List.of(candidate);
                mayFallBack = true;
            }
        }
        return new ColumnPlan(left, right, List.copyOf(compared), keys, mayFallBack, Side.of(left, compared, keys),
                Side.of(right, compared, keys), changes(left, right));
    }

    /** A tree-wide key where both sides have it; where neither has any of it, the pair's own key. */
    private static TableKey applicable(TableKey.Preferred preferred, List<String> left, List<String> right,
                                       List<String> warnings) {
        boolean none = preferred.columns().stream().noneMatch(c -> left.contains(c) || right.contains(c));
        if (!none) {
            return new TableKey.Given(preferred.columns());
        }
        TableKey otherwise = preferred.otherwise();
        warnings.add("key column(s) " + preferred.columns() + " on neither side; " + switch (otherwise) {
            case TableKey.Natural natural -> "keyed by its natural key " + natural.columns() + " instead";
            case TableKey.Given given -> "keyed by " + given.columns() + " instead";
            case TableKey.Detect detect -> "its key is detected instead";
            default -> "rows are compared as a multiset";
        });
        return otherwise;
    }

    /** Surrogate row numbers written by a conversion: they number rows of one conversion, never identify them. */
    static final List<String> SURROGATES = List.of("_id", "_parent_id", "_root_id");

    /**
     * The key candidate: the first compared column named {@code id}, else {@code key}, else the
     * first whose name ends in {@code _id} or {@code _key} (case-insensitive). A conversion's
     * surrogate columns ({@link #SURROGATES}) are never candidates. The engine keeps the candidate
     * only if its values are non-empty and unique on both sides.
     */
    static String detectKey(List<String> compared) {
        List<String> candidates = compared.stream()
                .filter(c -> !SURROGATES.contains(c.strip().toLowerCase(Locale.ROOT))).toList();
        for (String wanted : List.of("id", "key")) {
            for (String column : candidates) {
                if (column.strip().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return column;
                }
            }
        }
        for (String column : candidates) {
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
