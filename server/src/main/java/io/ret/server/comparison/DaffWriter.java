package io.ret.server.comparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes deltas as daff's highlighter diff (the tabular diff format), one table per file:
 * an optional {@code !} schema row ({@code +++} added column, {@code ---} removed column,
 * {@code :} moved column), the {@code @@} header row, then one row per delta with action
 * {@code +++} (added), {@code ---} (removed) or an arrow (modified). A modified cell reads
 * {@code before->after}; when a value of that row contains the arrow, the arrow is lengthened
 * ({@code -->}, {@code --->}, ...) and the action cell shows the arrow used, as daff does.
 * Unchanged rows are not written (like {@code daff --context 0}), so there are no {@code ...}
 * rows. A cell absent on a side is {@code NULL}; a value that is literally {@code NULL} (or
 * {@code _NULL}, ...) gets one more leading underscore. Columns follow the right file,
 * then the removed columns.
 *
 * <p>With {@code labelFiles} each table is preceded by a {@code # path} line and followed by a
 * blank line, so several files can share one stream; without it the output of one file is a
 * plain daff table. A file that could not be compared is written as its {@code # path} line (when
 * labelled) and a {@code # FAILED: error} line, never left out.
 */
public final class DaffWriter implements DeltaSink {
    /** A column of the output table and its index on each side, -1 where absent. */
    private record Column(String name, int left, int right) {
    }

    private final Writer out;
    private final boolean labelFiles;
    private List<Column> columns = List.of();
    private boolean tableOpen;

    public DaffWriter(Writer out, boolean labelFiles) {
        this.out = out;
        this.labelFiles = labelFiles;
    }

    @Override
    public void beginFile(String file, List<String> leftColumns, List<String> rightColumns) {
        try {
            if (tableOpen && labelFiles) {
                out.write('\n');
            }
            tableOpen = true;
            if (labelFiles) {
                out.write("# " + file.replace('\n', ' ') + "\n");
            }
            columns = unify(leftColumns, rightColumns);
            List<String> schema = schemaRow(leftColumns, rightColumns);
            if (schema != null) {
                writeRow("!", schema);
            }
            writeRow("@@", columns.stream().map(Column::name).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void failedFile(String file, String error) {
        try {
            if (tableOpen && labelFiles) {
                out.write('\n');
            }
            tableOpen = true;
            if (labelFiles) {
                out.write("# " + file.replace('\n', ' ') + "\n");
            }
            out.write("# FAILED: " + error.replace('\n', ' ') + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void accept(RowDelta delta) {
        List<String> cells = new ArrayList<>(columns.size());
        String action;
        switch (delta.type()) {
            case ADDED -> {
                action = "+++";
                for (Column c : columns) {
                    cells.add(c.right() < 0 ? null : escape(cell(delta.after(), c.right())));
                }
            }
            case REMOVED -> {
                action = "---";
                for (Column c : columns) {
                    cells.add(c.left() < 0 ? null : escape(cell(delta.before(), c.left())));
                }
            }
            case MODIFIED -> {
                action = arrow(delta);
                Map<String, CellChange> changed = new HashMap<>();
                for (CellChange change : delta.changes()) {
                    changed.put(change.column(), change);
                }
                for (Column c : columns) {
                    CellChange change = changed.get(c.name());
                    if (change != null) {
                        cells.add(escape(change.before()) + action + escape(change.after()));
                    } else {
                        cells.add(escape(c.right() >= 0 ? cell(delta.after(), c.right()) : cell(delta.before(), c.left())));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown change type " + delta.type());
        }
        try {
            writeRow(action, cells);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flushes what was written; the caller owns (and closes) the writer. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "->", with a dash more for as long as some value of the row contains it. */
    static String arrow(RowDelta delta) {
        String arrow = "->";
        boolean clash = true;
        while (clash) {
            clash = false;
            for (List<String> values : List.of(delta.before(), delta.after())) {
                for (String value : values) {
                    if (value.contains(arrow)) {
                        arrow = "-" + arrow;
                        clash = true;
                    }
                }
            }
        }
        return arrow;
    }

    /** daff reads an unquoted NULL as a missing value and strips one underscore from _NULL, __NULL, ... */
    static String escape(String value) {
        int underscores = 0;
        while (underscores < value.length() && value.charAt(underscores) == '_') {
            underscores++;
        }
        return value.startsWith("NULL", underscores) && value.length() == underscores + 4 ? "_" + value : value;
    }

    /** The right file's columns, then the removed ones in left order (where daff puts them too). */
    private static List<Column> unify(List<String> left, List<String> right) {
        List<Column> columns = new ArrayList<>();
        for (int r = 0; r < right.size(); r++) {
            columns.add(new Column(right.get(r), left.indexOf(right.get(r)), r));
        }
        for (int l = 0; l < left.size(); l++) {
            if (!right.contains(left.get(l))) {
                columns.add(new Column(left.get(l), l, -1));
            }
        }
        return columns;
    }

    /** The {@code !} row, or null when both sides have the same columns in the same order. */
    private List<String> schemaRow(List<String> left, List<String> right) {
        List<String> sharedLeft = left.stream().filter(right::contains).toList();
        List<String> sharedRight = right.stream().filter(left::contains).toList();
        List<String> kept = longestCommonSubsequence(sharedLeft, sharedRight);
        List<String> row = new ArrayList<>();
        boolean any = false;
        for (Column c : columns) {
            String tag = c.left() < 0 ? "+++" : c.right() < 0 ? "---" : kept.contains(c.name()) ? "" : ":";
            any |= !tag.isEmpty();
            row.add(tag);
        }
        return any ? row : null;
    }

    private static List<String> longestCommonSubsequence(List<String> a, List<String> b) {
        int[][] length = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                length[i][j] = a.get(i).equals(b.get(j)) ? length[i + 1][j + 1] + 1
                        : Math.max(length[i + 1][j], length[i][j + 1]);
            }
        }
        List<String> common = new ArrayList<>();
        for (int i = 0, j = 0; i < a.size() && j < b.size(); ) {
            if (a.get(i).equals(b.get(j))) {
                common.add(a.get(i));
                i++;
                j++;
            } else if (length[i + 1][j] >= length[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return common;
    }

    private static String cell(List<String> row, int index) {
        return index < row.size() ? row.get(index) : "";
    }

    /** One CSV line; null cells are written as NULL. */
    private void writeRow(String action, List<String> cells) throws IOException {
        StringBuilder line = new StringBuilder();
        line.append(quote(action));
        for (String cell : cells) {
            line.append(',').append(cell == null ? "NULL" : quote(cell));
        }
        line.append('\n');
        out.write(line.toString());
    }

    static String quote(String value) {
        boolean needed = !value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ');
        for (int i = 0; i < value.length() && !needed; i++) {
            char c = value.charAt(i);
            needed = c == ',' || c == '"' || c == '\r' || c == '\n' || c == '\t';
        }
        return needed ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
