package io.ret.server.conversion;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;

/**
 * Second pass over one document: replays its spilled tokens against the
 * {@link TablePlan} and writes each table's rows as RFC 4180 CSV (UTF-8, CRLF, quotes
 * only where needed). A table never nests in itself, so each holds one open row; a row
 * is written when its element ends, so rows come in document order and children before
 * their parent row.
 */
final class TableWriter {

    private static final int CANCEL_CHECK_TOKENS = 16 * 1024;

    /** One table's file and its open row. */
    private final class Sink {
        final TablePlan.Table table;
        final String relativePath;
        final Path file;
        final CsvWriter csv;
        final String[] cells;
        final StringBuilder[] builders;
        final boolean[] building;
        final boolean[] joinStarted;
        final String[] record;
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
            cells = new String[width];
            builders = new StringBuilder[width];
            building = new boolean[width];
            joinStarted = new boolean[width];
            record = new String[table.keys().size() + width];
            if (file == null) {
                csv = null;
            } else {
                csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).bufferSize(64 * 1024)
                        .build(file, StandardCharsets.UTF_8);
                csv.writeRecord(table.header());
            }
        }

        void open(Sink parent) {
            id = ++lastId;
            parentId = parent == null ? 0 : parent.id;
            rootId = table.kind == TablePlan.Kind.CHILD ? parent.rootId : id;
        }

        void set(int cell, String value) {
            cells[cell] = value;
        }

        void append(int cell, String text) throws FileConversionException {
            if (building[cell]) {
                builders[cell].append(text);
                checkLength(cell);
            } else if (cells[cell] == null) {
                cells[cell] = text;
            } else {
                StringBuilder builder = builder(cell);
                builder.append(cells[cell]).append(text);
                cells[cell] = null;
                building[cell] = true;
                checkLength(cell);
            }
        }

        /** Join mode: a new item of a joined cell, after a separator unless it is the first. */
        void beginItem(int cell) throws FileConversionException {
            if (!joinStarted[cell]) {
                joinStarted[cell] = true;
                return;
            }
            if (!building[cell]) {
                StringBuilder builder = builder(cell);
                if (cells[cell] != null) {
                    builder.append(cells[cell]);
                    cells[cell] = null;
                }
                building[cell] = true;
            }
            builders[cell].append(separator);
            checkLength(cell);
        }

        private StringBuilder builder(int cell) {
            StringBuilder builder = builders[cell];
            if (builder == null) {
                builder = builders[cell] = new StringBuilder();
            }
            builder.setLength(0);
            return builder;
        }

        private void checkLength(int cell) throws FileConversionException {
            if (builders[cell].length() > DocumentScanner.MAX_VALUE_CHARS) {
                throw new FileConversionException("a value of column '" + table.columns.get(cell) + "' in table '"
                        + table.name + "' is longer than " + DocumentScanner.MAX_VALUE_CHARS + " characters");
            }
        }

        void close() {
            if (csv != null) {
                int k = 0;
                record[k++] = Long.toString(id);
                if (table.hasParentId) {
                    record[k++] = Long.toString(parentId);
                }
                if (table.kind == TablePlan.Kind.CHILD) {
                    record[k++] = Long.toString(rootId);
                }
                for (int i = 0; i < cells.length; i++) {
                    record[k++] = building[i] ? builders[i].toString() : cells[i];
                }
                csv.writeRecord(record);
                rows++;
            }
            Arrays.fill(cells, null);
            Arrays.fill(building, false);
            Arrays.fill(joinStarted, false);
            for (int i = 0; i < builders.length; i++) {
                if (builders[i] != null && builders[i].capacity() > 1 << 20) {
                    builders[i] = null; // do not hold on to one huge value
                }
            }
        }
    }

    private final TablePlan plan;
    private final String separator;
    private final char separatorStart;
    private final ConversionProgress progress;

    TableWriter(TablePlan plan, ConversionOptions options, ConversionProgress progress) {
        this.plan = plan;
        this.separator = options.joinSeparator();
        this.separatorStart = separator.charAt(0);
        this.progress = progress;
    }

    /** Writes every table of the plan; the files are made through {@code files} so a failure can remove them. */
    List<TableOutput> write(SpillReader spill, String sourcePath, OutputFiles files)
            throws IOException, FileConversionException {
        Sink[] sinks = new Sink[plan.tables.size()];
        try {
            for (TablePlan.Table table : plan.tables) {
                String relative = table.written() ? files.reserve(sourcePath, table.name) : null;
                sinks[table.index] = new Sink(table, relative, relative == null ? null : files.create(relative));
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
                case SpillWriter.ATTR -> {
                    int column = spill.varint();
                    current.set(plan.cell[column], spill.text());
                }
                case SpillWriter.TEXT -> {
                    int node = nodes[depth - 1];
                    String text = spill.text();
                    current.append(plan.valueCell[node], plan.joined[node] ? escape(text) : text);
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

    /** Join mode: '\' becomes "\\" and the separator's first character gets a '\' before it. */
    private String escape(String text) {
        if (text.indexOf('\\') < 0 && text.indexOf(separatorStart) < 0) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == separatorStart) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
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
