package io.ret.server.conversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.ret.server.conversion.schema.Layout;

/**
 * Writes the rows of one file's {@link RowReplay} as RFC 4180 CSV (UTF-8, CRLF, quotes only
 * where needed) into one part file per table, and learns each column's type and empty cells;
 * {@link TableAssembler} then puts the parts of every file together in file order. So the
 * files of an archive are written by several threads at once, each with its own writer and
 * replay, and give the bytes one thread would have. A part is the table's whole file (header
 * included) in the per-file layout, and the file's rows only in the merged layout, where a
 * table's part is made with its first row.
 *
 * <p>A child row carries its parent row's natural key, which may stand in the parent
 * element after the child (an {@code <id>} after the lines). So rows of tables with a
 * parent key wait in memory until the outermost keyed row around them has ended; what
 * waits is bounded by one record, never by the file or the archive. When every key above
 * a table is known as soon as its row starts (attributes of the row element, or the
 * position), its rows are written when they end instead, without copying their cells;
 * each file's rows come out in the same order either way.
 */
final class TableWriter implements RowReplay.Rows {

    /** A value copied out of a cell. */
    private record Value(byte[] bytes, boolean quoted) {
        static Value of(CsvField field) {
            return new Value(Arrays.copyOf(field.bytes, field.length), field.quoted);
        }

        static Value of(long number) {
            return new Value(Long.toString(number).getBytes(StandardCharsets.US_ASCII), false);
        }
    }

    /** The natural key of an open row with dependents, complete once the row has ended. */
    private static final class KeyHolder {
        final KeyHolder parent;
        Value[] own;

        KeyHolder(KeyHolder parent) {
            this.parent = parent;
        }

        void collect(List<Value> into) {
            if (parent != null) {
                parent.collect(into);
            }
            into.addAll(Arrays.asList(own));
        }
    }

    /** A row waiting for its parent's key. */
    private record Pending(Sink sink, long id, long parentId, long rootId, int line, KeyHolder parentKey,
            long position, Value[] cells) {
    }

    /**
     * What one table got from one file: a part file (in the output directory, a hidden
     * temporary name), its data rows and its columns' statistics.
     */
    record Part(TablePlan.Table table, Path file, long rows, ColumnStats[] stats) {
    }

    /** The parts of one file, or of a run of files (merged), in table order; the caller's to move or delete. */
    record FileTables(String source, List<Part> parts) {

        /** Deletes the parts (the conversion is failing). */
        void discard() {
            for (Part part : parts) {
                try {
                    Files.deleteIfExists(part.file());
                } catch (IOException e) {
                    // removed with the staging directory
                }
            }
        }
    }

    /** One part file being written. */
    private static final class Sink {
        final TablePlan.Table table;
        final Path file;
        final CsvOutput csv;
        final ColumnStats[] stats;
        long rows;
        int at;

        Sink(TablePlan.Table table, Path file, boolean withHeader) throws IOException {
            this.table = table;
            this.file = file;
            this.csv = new CsvOutput(Files.newOutputStream(file));
            List<String> header = table.header();
            this.stats = new ColumnStats[header.size()];
            for (int i = 0; i < stats.length; i++) {
                stats[i] = new ColumnStats();
            }
            if (withHeader) {
                csv.header(header);
            }
        }

        void number(long value) throws IOException {
            csv.field(value);
            stats[at++].addNumber();
        }

        void value(byte[] bytes, int length, boolean quoted) throws IOException {
            csv.field(bytes, length, quoted);
            stats[at++].add(bytes, length);
        }

        void start() {
            at = 0;
        }

        void end() throws IOException {
            csv.endRecord();
            rows++;
        }
    }

    /** Numbers the part files of this process. */
    private static final AtomicLong PARTS = new AtomicLong();

    private final TablePlan plan;
    private final Layout layout;
    /** Where the parts go: the output directory, so that a part becomes an output by a rename or a copy in place. */
    private final Path partDir;
    private final Sink[] sinks;
    /** Per table: its rows are written when they end, since the keys they copy are known by then. */
    private final boolean[] direct;
    private final byte[] digits = new byte[DecimalDigits.MAX];
    private final List<Pending> pending = new ArrayList<>();
    private int openKeyRoots;
    private String source;
    private byte[] sourceBytes;
    private boolean sourceQuoted;

    TableWriter(TablePlan plan, Layout layout, Path partDir) {
        this.plan = plan;
        this.layout = layout;
        this.partDir = partDir;
        this.sinks = new Sink[plan.tables.size()];
        this.direct = new boolean[plan.tables.size()];
        for (TablePlan.Table table : plan.tables) {
            direct[table.index] = table.parentKey.isEmpty() || ancestorKeysKnownAtStart(table);
        }
    }

    /** Starts a file: per file, makes the parts (headers) of its tables; merged, the open parts go on. */
    void beginFile(String source, Schema.FileMap map) throws IOException {
        this.source = source;
        this.sourceBytes = source.getBytes(StandardCharsets.UTF_8);
        this.sourceQuoted = CsvField.needsQuotes(sourceBytes, 0, sourceBytes.length);
        if (layout == Layout.PER_FILE) {
            boolean[] present = new boolean[plan.schema.nodes().size()];
            for (int node : map.nodes()) {
                present[node] = true;
            }
            for (TablePlan.Table table : plan.tables) {
                if (table.written() && present[table.root.id]) {
                    sinks[table.index] = newSink(table);
                }
            }
        }
    }

    private Sink newSink(TablePlan.Table table) throws IOException {
        Path file = newPart();
        try {
            return new Sink(table, file, layout == Layout.PER_FILE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * An empty part file, made as {@link OutputFiles#create} makes outputs (a temporary file
     * would be readable by its owner only, and a per-file part becomes an output by a rename).
     */
    private Path newPart() throws IOException {
        while (true) {
            try {
                return Files.createFile(partDir.resolve(".ret-part-" + PARTS.incrementAndGet() + ".tmp"));
            } catch (FileAlreadyExistsException e) {
                // left by a conversion that was killed: take the next number
            }
        }
    }

    /** The sink of a table's rows, made with its first row in the merged layout; null for a table not written. */
    private Sink sink(TablePlan.Table table) throws IOException {
        Sink sink = sinks[table.index];
        if (sink == null && layout == Layout.MERGED && table.written()) {
            sink = sinks[table.index] = newSink(table);
        }
        return sink;
    }

    /** Ends the file (merged: the files begun since the last end): closes the parts and hands them over. */
    FileTables endFile() throws IOException {
        List<Part> parts = new ArrayList<>();
        IOException failure = null;
        for (int i = 0; i < sinks.length; i++) {
            Sink sink = sinks[i];
            if (sink != null) {
                try {
                    sink.csv.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
                parts.add(new Part(sink.table, sink.file, sink.rows, sink.stats));
                sinks[i] = null;
            }
        }
        FileTables tables = new FileTables(source, parts);
        if (failure != null) {
            tables.discard();
            throw failure;
        }
        return tables;
    }

    /** Closes and deletes the open parts without caring for failures (the conversion is failing anyway). */
    void abandon() {
        for (int i = 0; i < sinks.length; i++) {
            if (sinks[i] != null) {
                try {
                    sinks[i].csv.close();
                } catch (IOException e) {
                    // removed with the staging directory
                }
                try {
                    Files.deleteIfExists(sinks[i].file);
                } catch (IOException e) {
                    // removed with the staging directory
                }
                sinks[i] = null;
            }
        }
    }

    /** Writes every row as it closes, or once its parent's key is known (a loop of its own: see {@link RowReplay.Rows}). */
    @Override
    public void replay(RowReplay.Cursor rows) throws IOException, FileConversionException {
        for (int event; (event = rows.next()) != RowReplay.END; ) {
            if (event == RowReplay.OPENED) {
                opened(rows.row());
            } else {
                closed(rows.row());
            }
        }
    }

    private void opened(RowReplay.Row row) {
        TablePlan.Table table = row.table;
        if (table.hasDependents) {
            KeyHolder parent = table.parentKey.isEmpty() ? null : (KeyHolder) row.parent.attachment;
            row.attachment = new KeyHolder(parent);
            if (table.parentKey.isEmpty()) {
                openKeyRoots++;
            }
        } else {
            row.attachment = null;
        }
    }

    private void closed(RowReplay.Row row) throws IOException {
        TablePlan.Table table = row.table;
        Sink sink = sink(table);
        if (row.attachment instanceof KeyHolder holder) {
            if (table.positionKey) {
                holder.own = new Value[] {Value.of(row.position)};
            } else {
                holder.own = new Value[table.ownKeyCells.length];
                for (int i = 0; i < holder.own.length; i++) {
                    holder.own[i] = Value.of(row.cells[table.ownKeyCells[i]]);
                }
            }
        }
        if (sink != null) {
            if (direct[table.index]) {
                write(sink, row);
            } else {
                Value[] cells = new Value[row.cells.length];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = Value.of(row.cells[i]);
                }
                pending.add(new Pending(sink, row.id, row.parentId, row.rootId, row.line,
                        (KeyHolder) row.parent.attachment, row.position, cells));
            }
        }
        if (table.hasDependents && table.parentKey.isEmpty() && --openKeyRoots == 0) {
            flushPending();
        }
    }

    private void flushPending() throws IOException {
        List<Value> key = new ArrayList<>();
        for (Pending row : pending) {
            key.clear();
            row.parentKey().collect(key);
            Sink sink = row.sink();
            sink.start();
            system(sink, row.id(), row.parentId(), row.rootId(), row.line());
            for (Value value : key) {
                sink.value(value.bytes(), value.bytes().length, value.quoted());
            }
            if (sink.table.positionColumn != null) {
                sink.number(row.position());
            }
            for (Value value : row.cells()) {
                sink.value(value.bytes(), value.bytes().length, value.quoted());
            }
            sink.end();
        }
        pending.clear();
    }

    /** A row whose parent keys, if any, stand in its open ancestor rows (see {@link #ancestorKeysKnownAtStart}). */
    private void write(Sink sink, RowReplay.Row row) throws IOException {
        sink.start();
        system(sink, row.id, row.parentId, row.rootId, row.line);
        if (!row.table.parentKey.isEmpty()) {
            parentKey(sink, row.parent);
        }
        if (sink.table.positionColumn != null) {
            sink.number(row.position);
        }
        for (CsvField cell : row.cells) {
            sink.value(cell.bytes, cell.length, cell.quoted);
        }
        sink.end();
    }

    /** The keys of {@code row} and of the rows above it that a child copies, outermost first, as {@link KeyHolder#collect}. */
    private void parentKey(Sink sink, RowReplay.Row row) throws IOException {
        TablePlan.Table table = row.table;
        if (!table.parentKey.isEmpty()) {
            parentKey(sink, row.parent);
        }
        if (table.positionKey) {
            sink.value(digits, DecimalDigits.write(row.position, digits, 0), false);
            return;
        }
        for (int cell : table.ownKeyCells) {
            CsvField value = row.cells[cell];
            sink.value(value.bytes, value.length, value.quoted);
        }
    }

    /**
     * Whether the keys a child table copies from its ancestors are complete while the child's
     * rows are open: each ancestor up to the outermost keyed one is keyed by its position or
     * by attributes of its own row element, which the spill gives right after the element starts.
     */
    private static boolean ancestorKeysKnownAtStart(TablePlan.Table table) {
        for (TablePlan.Table ancestor = table.parent; ; ancestor = ancestor.parent) {
            if (!ancestor.positionKey) {
                for (int cell : ancestor.ownKeyCells) {
                    Schema.Column column = ancestor.sources.get(cell);
                    if (column.isValue() || column.node() != ancestor.root) {
                        return false;
                    }
                }
            }
            if (ancestor.parentKey.isEmpty()) {
                return true;
            }
        }
    }

    private void system(Sink sink, long id, long parentId, long rootId, int line) throws IOException {
        TablePlan.Table table = sink.table;
        sink.number(id);
        if (table.hasParentId) {
            sink.number(parentId);
        }
        if (table.kind == TablePlan.Kind.CHILD) {
            sink.number(rootId);
        }
        if (table.withFile) {
            sink.value(sourceBytes, sourceBytes.length, sourceQuoted);
            sink.number(line);
        }
    }
}
