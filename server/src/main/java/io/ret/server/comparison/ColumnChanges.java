package io.ret.server.comparison;

import java.util.List;

/**
 * Columns only on the right ({@code added}, right order), only on the left ({@code removed}, left
 * order), and whether the shared columns appear in a different order.
 */
public record ColumnChanges(List<String> added, List<String> removed, boolean reordered) {
    public static final ColumnChanges NONE = new ColumnChanges(List.of(), List.of(), false);

    public ColumnChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    public boolean any() {
        return reordered || !added.isEmpty() || !removed.isEmpty();
    }
}
