package io.ret.server.comparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns join results into {@link RowDelta}s: re-reads changed rows from both files, compares the
 * compared columns cell by cell under the {@link Normalizer} rules, and counts. A candidate whose
 * cells all compare equal (possible with tolerance or normalisation) counts as unchanged.
 */
final class DeltaEmitter implements JoinListener {
    private final String file;
    private final ColumnPlan plan;
    private final Normalizer normalizer;
    private final RowReader leftReader;
    private final RowReader rightReader;
    private final DeltaSink sink;
    long added;
    long removed;
    long modified;
    long unchanged;
    private final long[] duplicateKeys = new long[2];
    /** Per side: first row, second row and offset of the first row of the example duplicate. */
    private final long[][] duplicateRows = new long[2][];

    DeltaEmitter(String file, ColumnPlan plan, Normalizer normalizer, RowReader leftReader, RowReader rightReader,
                 DeltaSink sink) {
        this.file = file;
        this.plan = plan;
        this.normalizer = normalizer;
        this.leftReader = leftReader;
        this.rightReader = rightReader;
        this.sink = sink;
    }

    @Override
    public void unchanged(long rows) {
        unchanged += rows;
    }

    @Override
    public void candidate(RowIndex left, int l, RowIndex right, int r) {
        List<String> before = read(leftReader, left.offset(l));
        List<String> after = read(rightReader, right.offset(r));
        if (!sameKey(before, after)) {
            // two different keys with one 64-bit hash: report them as what they are
            emitRemoved(left.rowNo(l), before);
            emitAdded(right.rowNo(r), after);
            return;
        }
        List<CellChange> changes = new ArrayList<>();
        for (int slot = 0; slot < plan.compared().size(); slot++) {
            String was = cell(before, plan.left().columnOfSlot()[slot]);
            String now = cell(after, plan.right().columnOfSlot()[slot]);
            if (!normalizer.equal(was, now)) {
                changes.add(new CellChange(plan.compared().get(slot), was, now));
            }
        }
        if (changes.isEmpty()) {
            unchanged++;
            return;
        }
        modified++;
        sink.accept(new RowDelta(file, ChangeType.MODIFIED, key(before, plan.left()), left.rowNo(l), right.rowNo(r),
                changes, before, after));
    }

    @Override
    public void removed(RowIndex left, int l) {
        emitRemoved(left.rowNo(l), read(leftReader, left.offset(l)));
    }

    @Override
    public void added(RowIndex right, int r) {
        emitAdded(right.rowNo(r), read(rightReader, right.offset(r)));
    }

    @Override
    public void duplicateKey(boolean leftSide, RowIndex rows, int first, int second) {
        if (plan.keyColumns().isEmpty()) {
            return; // keyless: repeated rows are simply counted
        }
        int side = leftSide ? 0 : 1;
        // the example is the duplicate that starts earliest, whatever order partitions come in
        if (duplicateKeys[side]++ == 0 || rows.rowNo(first) < duplicateRows[side][0]) {
            duplicateRows[side] = new long[] {rows.rowNo(first), rows.rowNo(second), rows.offset(first)};
        }
    }

    /** Warnings about duplicated keys, one per side that had any. */
    List<String> duplicateWarnings() {
        List<String> warnings = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            if (duplicateKeys[side] > 0) {
                long[] example = duplicateRows[side];
                List<String> row = read(side == 0 ? leftReader : rightReader, example[2]);
                warnings.add((side == 0 ? "left" : "right") + ": " + duplicateKeys[side]
                        + " key value(s) occur on more than one row (first: "
                        + describeKey(key(row, side == 0 ? plan.left() : plan.right())) + " in data rows " + example[0]
                        + " and " + example[1] + "); rows sharing a key are matched as a multiset within the key");
            }
        }
        return warnings;
    }

    private void emitRemoved(long rowNo, List<String> before) {
        removed++;
        sink.accept(new RowDelta(file, ChangeType.REMOVED, key(before, plan.left()), rowNo, 0, List.of(), before,
                List.of()));
    }

    private void emitAdded(long rowNo, List<String> after) {
        added++;
        sink.accept(new RowDelta(file, ChangeType.ADDED, key(after, plan.right()), 0, rowNo, List.of(), List.of(),
                after));
    }

    private boolean sameKey(List<String> before, List<String> after) {
        for (int k = 0; k < plan.keyColumns().size(); k++) {
            String a = normalizer.normalize(cell(before, plan.left().columnOfKey()[k]));
            String b = normalizer.normalize(cell(after, plan.right().columnOfKey()[k]));
            if (!a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    private List<String> key(List<String> row, ColumnPlan.Side side) {
        List<String> key = new ArrayList<>(plan.keyColumns().size());
        for (int k = 0; k < plan.keyColumns().size(); k++) {
            key.add(cell(row, side.columnOfKey()[k]));
        }
        return key;
    }

    private String describeKey(List<String> key) {
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < key.size(); k++) {
            text.append(k == 0 ? "" : ", ").append(plan.keyColumns().get(k)).append("='").append(key.get(k)).append('\'');
        }
        return text.toString();
    }

    /** A missing cell of a short (ragged) row reads as empty. */
    private static String cell(List<String> row, int column) {
        return column < row.size() ? row.get(column) : "";
    }

    private static List<String> read(RowReader reader, long offset) {
        try {
            return reader.read(offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
