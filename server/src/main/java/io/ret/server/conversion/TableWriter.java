package io.ret.server.conversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;

/**
 * Writes the rows of a {@link RowReplay} as RFC 4180 CSV (UTF-8, CRLF, quotes only where
 * needed), one file per table for the archive (merged layout) or per table and XML file
 * (per-file layout), and learns each column's type and empty cells for the schema.
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

    /** One CSV file being written. */
    private static final class Sink {
        final TablePlan.Table table;
        final String path;
        final String sourceFile;
        final Path file;
        final CsvOutput csv;
        final ColumnStats[] stats;
        long rows;
        int at;

        Sink(TablePlan.Table table, String path, String sourceFile, Path file) throws IOException {
            this.table = table;
            this.path = path;
            this.sourceFile = sourceFile;
            this.file = file;
            this.csv = new CsvOutput(Files.newOutputStream(file));
            List<String> header = table.header();
            this.stats = new ColumnStats[header.size()];
            for (int i = 0; i < stats.length; i++) {
                stats[i] = new ColumnStats();
            }
            csv.header(header);
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

    private final TablePlan plan;
    private final Layout layout;
    private final OutputFiles files;
    private final Sink[] sinks;
    /** Per table: its rows are written when they end, since the keys they copy are known by then. */
    private final boolean[] direct;
    private final byte[] digits = new byte[20];
    private final List<Sink> finished = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private int openKeyRoots;
    private byte[] sourceBytes;
    private boolean sourceQuoted;

    TableWriter(TablePlan plan, Layout layout, OutputFiles files) throws IOException {
        this.plan = plan;
        this.layout = layout;
        this.files = files;
        this.sinks = new Sink[plan.tables.size()];
        this.direct = new boolean[plan.tables.size()];
        for (TablePlan.Table table : plan.tables) {
            direct[table.index] = table.parentKey.isEmpty() || ancestorKeysKnownAtStart(table);
        }
        if (layout == Layout.MERGED) {
            for (TablePlan.Table table : plan.tables) {
                if (table.written()) {
                    String path = files.reserveTable(table.name);
                    sinks[table.index] = new Sink(table, path, "", files.create(path));
                }
            }
        }
    }

    /** Starts a file: per file, creates the files of the tables it has. */
    void beginFile(String source, Schema.FileMap map) throws IOException {
        this.sourceBytes = source.getBytes(StandardCharsets.UTF_8);
        this.sourceQuoted = CsvField.needsQuotes(sourceBytes, 0, sourceBytes.length);
        if (layout == Layout.PER_FILE) {
            boolean[] present = new boolean[plan.schema.nodes().size()];
            for (int node : map.nodes()) {
                present[node] = true;
            }
            for (TablePlan.Table table : plan.tables) {
                if (table.written() && present[table.root.id]) {
                    String path = files.reserve(source, table.local);
                    sinks[table.index] = new Sink(table, path, source, files.create(path));
                }
            }
        }
    }

    /** Ends a file: per file, closes its tables. */
    void endFile() throws IOException {
        if (layout == Layout.PER_FILE) {
            closeSinks();
        }
    }

    /** Ends the archive: closes what is open. */
    void finish() throws IOException {
        closeSinks();
    }

    private void closeSinks() throws IOException {
        IOException failure = null;
        for (int i = 0; i < sinks.length; i++) {
            if (sinks[i] != null) {
                try {
                    sinks[i].csv.close();
                    finished.add(sinks[i]);
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
                sinks[i] = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes everything without caring for failures (the conversion is failing anyway). */
    void abandon() {
        for (int i = 0; i < sinks.length; i++) {
            if (sinks[i] != null) {
                try {
                    sinks[i].csv.close();
                } catch (IOException e) {
                    // removed with the staging directory
                }
                sinks[i] = null;
            }
        }
    }

    @Override
    public void opened(RowReplay.Row row) {
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

    @Override
    public void closed(RowReplay.Row row) throws IOException {
        TablePlan.Table table = row.table;
        Sink sink = sinks[table.index];
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
            int length = 1;
            for (long rest = row.position / 10; rest != 0; rest /= 10) {
                length++;
            }
            long rest = row.position;
            for (int i = length - 1; i >= 0; i--, rest /= 10) {
                digits[i] = (byte) ('0' + rest % 10);
            }
            sink.value(digits, length, false);
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

    /** The files written, in the order finished. */
    List<TableOutput> outputs() throws IOException {
        List<TableOutput> outputs = new ArrayList<>();
        for (Sink sink : finished) {
            outputs.add(new TableOutput(sink.path, sink.sourceFile, layout == Layout.MERGED ? sink.table.name
                    : sink.table.local, sink.rows, Files.size(sink.file), sink.table.header()));
        }
        return outputs;
    }

    /** The schema of every file written. */
    List<TableSchema> schemas() {
        List<TableSchema> schemas = new ArrayList<>();
        for (Sink sink : finished) {
            schemas.add(schema(sink));
        }
        return schemas;
    }

    private TableSchema schema(Sink sink) {
        TablePlan.Table table = sink.table;
        List<String> header = table.header();
        List<ColumnSchema> columns = new ArrayList<>();
        int surrogates = table.surrogates().size();
        int dataStart = header.size() - table.columns.size();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            ColumnStats stats = sink.stats[i];
            boolean provenance = table.withFile && (i == surrogates || i == surrogates + 1); // _file, _line
            ColumnRole role = i < surrogates ? ColumnRole.SURROGATE
                    : provenance ? ColumnRole.PROVENANCE
                    : name.equals(table.positionColumn) ? ColumnRole.POSITION : ColumnRole.DATA;
            ColumnType type = provenance ? (i == surrogates ? ColumnType.STRING : ColumnType.INTEGER) : stats.type();
            String source = i >= dataStart ? TablePlan.source(table.sources.get(i - dataStart)) : "";
            columns.add(new ColumnSchema(name, type, role, stats.nulls, source));
        }
        String name = layout == Layout.MERGED ? table.name : tableName(sink.path);
        String parent = "";
        if (table.parent != null) {
            parent = layout == Layout.MERGED ? table.parent.name : parentName(sink, table.parent);
        }
        return new TableSchema(name, sink.path, sink.sourceFile, TablePlan.recordPath(table), parent,
                table.primaryKey(), table.parentKey, table.keySource, sink.rows, columns);
    }

    /** Per file: the parent's table of the same file. */
    private String parentName(Sink child, TablePlan.Table parent) {
        for (Sink sink : finished) {
            if (sink.table == parent && sink.sourceFile.equals(child.sourceFile)) {
                return tableName(sink.path);
            }
        }
        return "";
    }

    private static String tableName(String path) {
        return path.endsWith(".csv") ? path.substring(0, path.length() - 4) : path;
    }
}
