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
 *
 * <p>A mixed element's cell collects its string-value: the text ({@link SpillWriter#TEXT}) and the
 * whitespace left out of own texts ({@link SpillWriter#WS}) of its whole subtree, in order; when
 * whitespace is trimmed, whitespace before its first text and after its last is left out (a
 * {@code WS} run waits until a text follows). Elsewhere {@code WS} tokens are skipped.
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

        /** A text of a mixed element's subtree: the whitespace waiting before it, then itself. */
        private void collect(int cell, SpillReader spill) throws IOException, FileConversionException {
            CsvField field = cells[cell];
            if (waitingWhitespace.length > 0) {
                field.append(waitingWhitespace.bytes, 0, waitingWhitespace.length);
                field.quoted |= waitingWhitespace.quoted;
                collectedChars += waitingWhitespace.length; // ASCII
                waitingWhitespace.clear();
            }
            int from = field.length;
            spill.text(field);
            collectedStarted = true;
            collectedChars += chars(field.bytes, from, field.length);
            checkCollected(cell, collectedChars);
        }

        private void checkCollected(int cell, long chars) throws FileConversionException {
            if (chars > DocumentScanner.MAX_VALUE_CHARS) {
                throw new FileConversionException("the text of a mixed-content element of column '"
                        + table.columns.get(cell) + "' in table '" + table.name + "' is longer than "
                        + DocumentScanner.MAX_VALUE_CHARS + " characters");
            }
        }

        /** Whitespace in a mixed element's subtree: kept when text follows it (trimming), else at once. */
        private void collectWhitespace(int cell, SpillReader spill) throws IOException, FileConversionException {
            if (!trimCollected) {
                collect(cell, spill);
            } else if (collectedStarted) {
                spill.text(waitingWhitespace);
                checkCollected(cell, collectedChars + waitingWhitespace.length);
            } else {
                spill.skipText(); // before the first text
            }
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
    /** Whitespace is trimmed: a string-value leaves out whitespace before its first text and after its last. */
    private final boolean trimCollected;
    /** The string-value being collected has a text so far; the whitespace after its last one; its length in chars. */
    private boolean collectedStarted;
    private final CsvField waitingWhitespace = new CsvField();
    private long collectedChars;
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
                    cells[i] = read[table.index][i] || alwaysRead(plan, table, i);
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
        this.trimCollected = !options.keepWhitespace();
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
                            byte onStart = plan.onStart[node];
                            if (onStart != TablePlan.PLAIN) {
                                if (onStart == TablePlan.JOIN) {
                                    current.beginItem(plan.valueCell[node]);
                                } else {
                                    beginStringValue();
                                }
                            }
                            if (opened != null) {
                                event = opened;
                                return OPENED;
                            }
                        }
                        case SpillWriter.ATTR -> {
                            int cell = plan.cell[map.columns()[spill.varint()]];
                            if (cell >= 0) {
                                current.set(cell, spill);
                            } else {
                                spill.skipText(); // an attribute inside a mixed element
                            }
                        }
                        case SpillWriter.TEXT -> {
                            int node = nodes[depth - 1];
                            byte onText = plan.onText[node];
                            if (onText == TablePlan.PLAIN) {
                                current.append(plan.valueCell[node], spill);
                            } else if (onText == TablePlan.JOIN) {
                                current.appendEscaped(plan.valueCell[node], spill);
                            } else {
                                current.collect(plan.valueCell[node], spill);
                            }
                        }
                        case SpillWriter.WS -> {
                            int node = nodes[depth - 1];
                            if (plan.onText[node] == TablePlan.COLLECT) {
                                current.collectWhitespace(plan.valueCell[node], spill);
                            } else {
                                spill.skipText();
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

    private void beginStringValue() {
        collectedStarted = false;
        collectedChars = 0;
        waitingWhitespace.clear();
    }

    /** Joined cells (their escaping decides their length) and string-values (their trimming does). */
    private static boolean alwaysRead(TablePlan plan, TablePlan.Table table, int cell) {
        Schema.Column column = table.sources.get(cell);
        return column.isValue() && (plan.joined[column.node().id] || plan.isStringValue(column));
    }

    /** UTF-16 chars of UTF-8 bytes: one per lead byte, two for a four-byte sequence. */
    private static long chars(byte[] bytes, int from, int to) {
        long chars = 0;
        for (int i = from; i < to; i++) {
            int b = bytes[i];
            if ((b & 0xc0) != 0x80) {
                chars += (b & 0xf8) == 0xf0 ? 2 : 1;
            }
        }
        return chars;
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
