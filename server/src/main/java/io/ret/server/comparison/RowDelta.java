package io.ret.server.comparison;

import java.util.List;

/**
 * One changed row. Row numbers are 1-based data rows (the header is not counted) and 0 when the
 * row is absent on that side. {@code key} holds the key values in key-column order, empty for a
 * keyless comparison. {@code changes} lists the differing cells of a MODIFIED row; {@code before}
 * and {@code after} are the whole row as read on each side, in that side's column order (empty
 * when the row is absent on that side).
 */
public record RowDelta(String file, ChangeType type, List<String> key, long leftRow, long rightRow,
                       List<CellChange> changes, List<String> before, List<String> after) {
    public RowDelta {
        key = List.copyOf(key);
        changes = List.copyOf(changes);
        before = List.copyOf(before);
        after = List.copyOf(after);
    }
}
