package io.ret.server.conversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.ret.server.conversion.schema.Layout;

/**
 * Replays one file's spilled tokens against a {@link TablePlan} and assembles rows: each
 * table holds one open row (a table never nests in itself), which a {@link Cursor} gives
 * out when it opens and again, complete, when its element ends, so rows come in document
 * order and children before their parent row. Used twice: by {@link KeyDetector} to learn
 * keys and by {@link TableWriter} to write. Row ids go on across the files of one replay, or from where
 * {@link #continueIds} says (the write pass replays files on several threads). A replay
 * that reads only some cells (the key check reads only the key candidates) skips the bytes
 * of the others, counting their length so that a too-long cell fails the same way.
 */
final class RowReplay {

    private static final int CANCEL_CHECK_TOKENS = 16 * 1024;
    /** Any single value the scan accepts fits; only a cell joining many values can grow past it. */
    static final int MAX_CELL_BYTES = 3 * DocumentScanner.MAX_VALUE_CHARS;

    /** A row event of {@link Cursor#next}. */
    static final int OPENED = 1;
    static final int CLOSED = 2;
    static final int END = 0;

    /**
     * What is done with rows: takes every event of the cursor, in a loop of its own.
     * Each user has its own copy of that loop on purpose: the JIT compiles the replay
     * itself ({@link Cursor#next}) once, in the key check, and the write pass finds it
     * compiled; were the users called from inside the replay, the code compiled for the
     * key check would not fit the writer, and the write pass would run in the interpreter
     * until the whole replay is compiled again (most of that pass, in a fresh process).
     */
    interface Rows {
        void replay(Cursor rows) throws IOException, FileConversionException;
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
        rows.replay(new Cursor(spill, map));
    }

    /** Where a replay stands in its file: gives the rows' events one by one. */
    final class Cursor {
        private final SpillReader spill;
        private final Schema.FileMap map;
        private int[] nodes = new int[64];
        private Row[] open = new Row[64];
        private int depth;
        private Row current;
        private int line;
        private int untilCheck = CANCEL_CHECK_TOKENS;
        private Row event;
        /** The row whose {@link #CLOSED} was the last event: cleared at the next call. */
        private Row closed;

        private Cursor(SpillReader spill, Schema.FileMap map) {
            this.spill = spill;
            this.map = map;
        }

        /** The row of the last event. */
        Row row() {
            return event;
        }

        /** The next event: {@link #OPENED} or {@link #CLOSED} (the row is {@link #row}), or {@link #END}. */
        int next() throws IOException, FileConversionException {
            Row current = this.current;
            if (closed != null) {
                closed.clear();
                closed = null;
                current = depth == 0 ? null : open[depth - 1];
            }
            int depth = this.depth;
            try {
                for (int token; (token = spill.next()) != -1; ) {
                    if (--untilCheck == 0) {
                        untilCheck = CANCEL_CHECK_TOKENS;
                        if (progress.cancelled()) {
                            throw new ConversionCancelledException();
                        }
                    }
                    switch (token) {
                        case SpillWriter.START -> {
                            int node = map.nodes()[spill.varint()];
                            if (lines) {
                                line += spill.varint();
                            }
                            TablePlan.Table table = plan.startsRow[node];
                            Row opened = null;
                            if (table != null) {
                                opened = rowsOf[table.index];
                                opened.open(current, line);
                                current = opened;
                            }
                            if (depth == nodes.length) {
                                nodes = Arrays.copyOf(nodes, depth * 2);
                                open = Arrays.copyOf(open, depth * 2);
                            }
                            nodes[depth] = node;
                            open[depth++] = current;
                            if (plan.joined[node]) {
                                current.beginItem(plan.valueCell[node]);
                            }
                            if (opened != null) {
                                event = opened;
                                return OPENED;
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
                                event = closed = current;
                                return CLOSED;
                            }
                        }
                        default -> throw new IOException("corrupt spill file: token " + token);
                    }
                }
                return END;
            } finally {
                this.depth = depth;
                this.current = current;
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
