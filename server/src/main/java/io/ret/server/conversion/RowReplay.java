package io.ret.server.conversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.ret.server.conversion.schema.Layout;

/**
 * Replays one file's spilled tokens against a {@link TablePlan} and assembles rows: each
 * table holds one open row (a table never nests in itself), which is handed to
 * {@link Rows#closed} when its element ends, so rows come in document order and children
 * before their parent row. Used twice: by {@link KeyDetector} to learn keys and by
 * {@link TableWriter} to write. Row ids go on across the files of one replay, or from where
 * {@link #continueIds} says (the write pass replays files on several threads). A replay
 * that reads only some cells (the key check reads only the key candidates) skips the bytes
 * of the others, counting their length so that a too-long cell fails the same way.
 */
final class RowReplay {

    private static final int CANCEL_CHECK_TOKENS = 16 * 1024;
    /** Any single value the scan accepts fits; only a cell joining many values can grow past it. */
    static final int MAX_CELL_BYTES = 3 * DocumentScanner.MAX_VALUE_CHARS;

    /** What is done with rows. */
    interface Rows {
        default void opened(Row row) throws IOException {
        }

        void closed(Row row) throws IOException, FileConversionException;
    }

    /** The open row of one table. */
    final class Row {
        final TablePlan.Table table;
        final CsvField[] cells;
        /** Per cell: read, or only its length counted. */
        private final boolean[] read;
        private final int[] skippedLength;
        final boolean[] joinStarted;
        Row parent;
        /** {@code _id}: counts the table's rows of this replay. */
        long id;
        long parentId;
        long rootId;
        /** Unique over the replay, whatever the table: scopes "within the parent". */
        long instance;
        /** 1-based among the rows of this table in the same parent row. */
        long position;
        /** 1-based line of the row element's start tag in its file; 0 when the spill has no lines. */
        int line;
        private long lastParentInstance = -1;
        /** Free for the user of the replay. */
        Object attachment;

        Row(TablePlan.Table table, boolean[] read) {
            this.table = table;
            int width = table.columns.size();
            cells = new CsvField[width];
            for (int i = 0; i < width; i++) {
                cells[i] = new CsvField();
            }
            this.read = read;
            this.skippedLength = new int[width];
            joinStarted = new boolean[width];
        }

        private void open(Row parentRow, int startLine) {
            parent = parentRow;
            line = startLine;
            id++;
            instance = ++instances;
            parentId = parentRow == null ? 0 : parentRow.id;
            rootId = table.kind == TablePlan.Kind.CHILD ? parentRow.rootId : id;
            long parentInstance = parentRow == null ? 0 : parentRow.instance;
            position = parentInstance == lastParentInstance ? position + 1 : 1;
            lastParentInstance = parentInstance;
        }

        private void clear() {
            for (int i = 0; i < cells.length; i++) {
                cells[i].clear();
                skippedLength[i] = 0;
                joinStarted[i] = false;
            }
        }

        private void set(int cell, SpillReader spill) throws IOException {
            cells[cell].clear();
            if (read[cell]) {
                spill.text(cells[cell]);
            } else {
                skippedLength[cell] = spill.skipText();
            }
        }

        private void append(int cell, SpillReader spill) throws IOException, FileConversionException {
            if (read[cell]) {
                spill.text(cells[cell]);
            } else {
                skippedLength[cell] += spill.skipText();
            }
            checkLength(cell);
        }

        private void beginItem(int cell) throws FileConversionException {
            if (!joinStarted[cell]) {
                joinStarted[cell] = true;
                return;
            }
            CsvField field = cells[cell];
            field.append(separator, 0, separator.length);
            field.quoted |= separatorNeedsQuotes;
            checkLength(cell);
        }

        private void appendEscaped(int cell, SpillReader spill) throws IOException, FileConversionException {
            piece.clear();
            spill.text(piece);
            CsvField field = cells[cell];
            field.quoted |= piece.quoted;
            escapeInto(field);
            checkLength(cell);
        }

        private void checkLength(int cell) throws FileConversionException {
            if (cells[cell].length > MAX_CELL_BYTES || skippedLength[cell] > MAX_CELL_BYTES) {
                throw new FileConversionException("a value of column '" + table.columns.get(cell) + "' in table '"
                        + table.name + "' is longer than " + MAX_CELL_BYTES + " bytes");
            }
        }
    }

    private final TablePlan plan;
    private final Row[] rowsOf;
    private final byte[] separator;
    private final boolean separatorNeedsQuotes;
    /** The UTF-8 bytes of the separator's first character, which gets a '\' before it in joined values. */
    private final byte[] separatorStart;
    private final CsvField piece = new CsvField();
    private final ConversionProgress progress;
    /** The spills carry lines (see {@link SpillWriter}): rows name them in {@code _line}. */
    private final boolean lines;
    private long instances;

    /** A replay that reads every cell. */
    RowReplay(TablePlan plan, ConversionOptions options, ConversionProgress progress) {
        this(plan, options, progress, null);
    }

    /**
     * @param read per table index, the cells that are read (a joined cell always is: its
     *             escaping decides its length); {@code null}: all
     */
    RowReplay(TablePlan plan, ConversionOptions options, ConversionProgress progress, boolean[][] read) {
        this.plan = plan;
        this.rowsOf = new Row[plan.tables.size()];
        for (TablePlan.Table table : plan.tables) {
            boolean[] cells = new boolean[table.columns.size()];
            Arrays.fill(cells, read == null);
            if (read != null) {
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = read[table.index][i] || joinedCell(plan, table, i);
                }
            }
            rowsOf[table.index] = new Row(table, cells);
        }
        String joinSeparator = options.joinSeparator();
        this.separator = joinSeparator.getBytes(StandardCharsets.UTF_8);
        this.separatorNeedsQuotes = CsvField.needsQuotes(separator, 0, separator.length);
        this.separatorStart = Character.toString(joinSeparator.codePointAt(0)).getBytes(StandardCharsets.UTF_8);
        this.progress = progress;
        this.lines = options.layout() == Layout.MERGED;
    }

    /** Per table index, the {@code _id} of the table's last row so far (0 before any). */
    long[] lastIds() {
        long[] ids = new long[rowsOf.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = rowsOf[i].id;
        }
        return ids;
    }

    /**
     * Numbers the next rows of every table on from {@code lastIds} (as {@link #lastIds}): a replay
     * of one file gives the ids a replay of every file before it would have, all zeros restarting
     * at 1 (the per-file layout numbers rows per file).
     */
    void continueIds(long[] lastIds) {
        for (int i = 0; i < rowsOf.length; i++) {
            rowsOf[i].id = lastIds[i];
        }
    }

    /** Replays one file; {@code map} turns the file's path and column ids into the plan's. */
    void replay(SpillReader spill, Schema.FileMap map, Rows rows) throws IOException, FileConversionException {
        Cursor cursor = new Cursor(spill, map, rows);
        while (cursor.step(CANCEL_CHECK_TOKENS)) {
            if (progress.cancelled()) {
                throw new ConversionCancelledException();
            }
        }
    }

    /**
     * Where a replay stands in its file. The tokens are replayed a batch per call of
     * {@link #step}, never in one long loop per file: the JIT compiles the loop with the
     * profile of the pass that ran it first (the key check), and when the write pass
     * then meets code compiled for the other's {@link Rows}, only the rest of one batch
     * falls back to the interpreter, not the rest of the file.
     */
    private final class Cursor {
        private final SpillReader spill;
        private final Schema.FileMap map;
        private final Rows rows;
        private int[] nodes = new int[64];
        private Row[] open = new Row[64];
        private int depth;
        private Row current;
        private int line;

        Cursor(SpillReader spill, Schema.FileMap map, Rows rows) {
            this.spill = spill;
            this.map = map;
            this.rows = rows;
        }

        /** Replays at most {@code tokens} tokens; false at the end of the file. */
        boolean step(int tokens) throws IOException, FileConversionException {
            int[] nodes = this.nodes;
            Row[] open = this.open;
            int depth = this.depth;
            Row current = this.current;
            int line = this.line;
            try {
                for (int left = tokens; left > 0; left--) {
                    int token = spill.next();
                    switch (token) {
                        case -1 -> {
                            return false;
                        }
                        case SpillWriter.START -> {
                            int node = map.nodes()[spill.varint()];
                            if (lines) {
                                line += spill.varint();
                            }
                            TablePlan.Table table = plan.startsRow[node];
                            if (table != null) {
                                Row row = rowsOf[table.index];
                                row.open(current, line);
                                rows.opened(row);
                                current = row;
                            }
                            if (depth == nodes.length) {
                                nodes = this.nodes = Arrays.copyOf(nodes, depth * 2);
                                open = this.open = Arrays.copyOf(open, depth * 2);
                            }
                            nodes[depth] = node;
                            open[depth++] = current;
                            if (plan.joined[node]) {
                                current.beginItem(plan.valueCell[node]);
                            }
                        }
                        case SpillWriter.ATTR -> current.set(plan.cell[map.columns()[spill.varint()]], spill);
                        case SpillWriter.TEXT -> {
                            int node = nodes[depth - 1];
                            if (plan.joined[node]) {
                                current.appendEscaped(plan.valueCell[node], spill);
                            } else {
                                current.append(plan.valueCell[node], spill);
                            }
                        }
                        case SpillWriter.END -> {
                            int node = nodes[--depth];
                            if (plan.startsRow[node] != null) {
                                rows.closed(current);
                                current.clear();
                                current = depth == 0 ? null : open[depth - 1];
                            }
                        }
                        default -> throw new IOException("corrupt spill file: token " + token);
                    }
                }
                return true;
            } finally {
                this.depth = depth;
                this.current = current;
                this.line = line;
            }
        }
    }

    private static boolean joinedCell(TablePlan plan, TablePlan.Table table, int cell) {
        Schema.Column column = table.sources.get(cell);
        return column.isValue() && plan.joined[column.node().id];
    }

    /**
     * Join mode: '\' becomes "\\" and the separator's first character gets a '\' before it.
     * Matching UTF-8 bytes is matching characters: UTF-8 never starts a character inside another.
     */
    private void escapeInto(CsvField field) {
        byte[] bytes = piece.bytes;
        int from = 0;
        for (int i = 0; i < piece.length; i++) {
            if (bytes[i] == '\\' || startsWith(bytes, i, piece.length, separatorStart)) {
                field.append(bytes, from, i - from);
                field.append((byte) '\\');
                from = i;
            }
        }
        field.append(bytes, from, piece.length - from);
    }

    private static boolean startsWith(byte[] bytes, int at, int length, byte[] prefix) {
        if (bytes[at] != prefix[0] || at + prefix.length > length) {
            return false;
        }
        for (int k = 1; k < prefix.length; k++) {
            if (bytes[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
