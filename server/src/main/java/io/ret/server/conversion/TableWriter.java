package io.ret.server.conversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Second pass over one document: replays its spilled tokens against the
 * {@link TablePlan} and writes each table's rows as RFC 4180 CSV (UTF-8, CRLF, quotes
 * only where needed). A table never nests in itself, so each holds one open row; a row
 * is written when its element ends, so rows come in document order and children before
 * their parent row. Values stay UTF-8 bytes from the spill to the file.
 */
final class TableWriter {

    private static final int CANCEL_CHECK_TOKENS = 16 * 1024;
    /** Any single value the scan accepts fits; only a cell joining many values can grow past it. */
    static final int MAX_CELL_BYTES = 3 * DocumentScanner.MAX_VALUE_CHARS;

    /** One table's file and its open row. */
    private final class Sink {
        final TablePlan.Table table;
        final String relativePath;
        final Path file;
        final CsvOutput csv;
        final CsvField[] cells;
        final boolean[] joinStarted;
        long rows;
        long lastId;
        long id;
        long parentId;
        long rootId;

        Sink(TablePlan.Table table, String relativePath, Path file) throws IOException {
            this.table = table;
            this.relativePath = relativePath;
            this.file = file;
            int width = table.columns.size();
            cells = new CsvField[width];
            for (int i = 0; i < width; i++) {
                cells[i] = new CsvField();
            }
            joinStarted = new boolean[width];
            csv = file == null ? null : new CsvOutput(Files.newOutputStream(file));
        }

        void open(Sink parent) {
            id = ++lastId;
            parentId = parent == null ? 0 : parent.id;
            rootId = table.kind == TablePlan.Kind.CHILD ? parent.rootId : id;
        }

        /** An attribute's value: the cell's only content. */
        void set(int cell, SpillReader spill) throws IOException {
            cells[cell].clear();
            spill.text(cells[cell]);
        }

        /** A piece of an element's text, after what the cell holds. */
        void append(int cell, SpillReader spill) throws IOException, FileConversionException {
            spill.text(cells[cell]);
            checkLength(cell);
        }

        /** Join mode: a new item of a joined cell, after a separator unless it is the first. */
        void beginItem(int cell) throws FileConversionException {
            if (!joinStarted[cell]) {
                joinStarted[cell] = true;
                return;
            }
            CsvField field = cells[cell];
            field.append(separator, 0, separator.length);
            field.quoted |= separatorNeedsQuotes;
            checkLength(cell);
        }

        /** Join mode: a piece of an item's text, escaped so that the separator stays unambiguous. */
        void appendEscaped(int cell, SpillReader spill) throws IOException, FileConversionException {
            piece.clear();
            spill.text(piece);
            CsvField field = cells[cell];
            field.quoted |= piece.quoted;
            escapeInto(field);
            checkLength(cell);
        }

        private void checkLength(int cell) throws FileConversionException {
            if (cells[cell].length > MAX_CELL_BYTES) {
                throw new FileConversionException("a value of column '" + table.columns.get(cell) + "' in table '"
                        + table.name + "' is longer than " + MAX_CELL_BYTES + " bytes");
            }
        }

        void close() throws IOException {
            if (csv != null) {
                csv.field(id);
                if (table.hasParentId) {
                    csv.field(parentId);
                }
                if (table.kind == TablePlan.Kind.CHILD) {
                    csv.field(rootId);
                }
                for (CsvField cell : cells) {
                    csv.field(cell);
                }
                csv.endRecord();
                rows++;
            }
            for (int i = 0; i < cells.length; i++) {
                cells[i].clear();
                joinStarted[i] = false;
            }
        }
    }

    private final TablePlan plan;
    private final byte[] separator;
    private final boolean separatorNeedsQuotes;
    /** The UTF-8 bytes of the separator's first character, which gets a '\' before it in joined values. */
    private final byte[] separatorStart;
    private final CsvField piece = new CsvField();
    private final ConversionProgress progress;

    TableWriter(TablePlan plan, ConversionOptions options, ConversionProgress progress) {
        this.plan = plan;
        String joinSeparator = options.joinSeparator();
        this.separator = joinSeparator.getBytes(StandardCharsets.UTF_8);
        this.separatorNeedsQuotes = CsvField.needsQuotes(separator, 0, separator.length);
        this.separatorStart = Character.toString(joinSeparator.codePointAt(0)).getBytes(StandardCharsets.UTF_8);
        this.progress = progress;
    }

    /** Writes every table of the plan; the files are made through {@code files} so a failure can remove them. */
    List<TableOutput> write(SpillReader spill, String sourcePath, OutputFiles files)
            throws IOException, FileConversionException {
        Sink[] sinks = new Sink[plan.tables.size()];
        try {
            for (TablePlan.Table table : plan.tables) {
                String relative = table.written() ? files.reserve(sourcePath, table.name) : null;
                Sink sink = sinks[table.index] = new Sink(table, relative, relative == null ? null : files.create(relative));
                if (sink.csv != null) {
                    sink.csv.header(table.header());
                }
            }
            replay(spill, sinks);
        } finally {
            closeAll(sinks);
        }
        List<TableOutput> outputs = new ArrayList<>();
        for (Sink sink : sinks) {
            if (sink.csv != null) {
                outputs.add(new TableOutput(sink.relativePath, sourcePath, sink.table.name, sink.rows,
                        Files.size(sink.file), sink.table.header()));
            }
        }
        return outputs;
    }

    private void replay(SpillReader spill, Sink[] sinks) throws IOException, FileConversionException {
        int[] nodes = new int[64];
        Sink[] rows = new Sink[64];
        int depth = 0;
        Sink current = null;
        int untilCheck = CANCEL_CHECK_TOKENS;
        for (int token; (token = spill.next()) != -1; ) {
            if (--untilCheck == 0) {
                untilCheck = CANCEL_CHECK_TOKENS;
                if (progress.cancelled()) {
                    throw new ConversionCancelledException();
                }
            }
            switch (token) {
                case SpillWriter.START -> {
                    int node = spill.varint();
                    TablePlan.Table table = plan.startsRow[node];
                    if (table != null) {
                        Sink sink = sinks[table.index];
                        sink.open(current);
                        current = sink;
                    }
                    if (depth == nodes.length) {
                        nodes = Arrays.copyOf(nodes, depth * 2);
                        rows = Arrays.copyOf(rows, depth * 2);
                    }
                    nodes[depth] = node;
                    rows[depth++] = current;
                    if (plan.joined[node]) {
                        current.beginItem(plan.valueCell[node]);
                    }
                }
                case SpillWriter.ATTR -> current.set(plan.cell[spill.varint()], spill);
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
                        current.close();
                        current = depth == 0 ? null : rows[depth - 1];
                    }
                }
                default -> throw new IOException("corrupt spill file: token " + token);
            }
        }
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

    private static void closeAll(Sink[] sinks) throws IOException {
        IOException failure = null;
        for (Sink sink : sinks) {
            if (sink != null && sink.csv != null) {
                try {
                    sink.csv.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
