package io.ret.server.conversion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;

/**
 * Puts the parts that {@link TableWriter}s made of one record type's files together, in
 * file order, into the output files: the merged layout appends each file's part to its
 * table's file (header first), a copy the kernel makes; the per-file layout renames each
 * part to the name {@link OutputFiles} gives it. Column statistics and row counts add up.
 * Used by one thread; the parts are consumed (moved or deleted).
 */
final class TableAssembler {

    /** One output file: being filled (merged) or done. */
    private static final class Output {
        final TablePlan.Table table;
        final String path;
        final String sourceFile;
        final Path file;
        final ColumnStats[] stats;
        long rows;
        FileChannel channel;

        Output(TablePlan.Table table, String path, String sourceFile, Path file, ColumnStats[] stats) {
            this.table = table;
            this.path = path;
            this.sourceFile = sourceFile;
            this.file = file;
            this.stats = stats;
        }
    }

    private final TablePlan plan;
    private final Layout layout;
    private final OutputFiles files;
    /** Merged: per table index, its file. */
    private final Output[] merged;
    private final List<Output> finished = new ArrayList<>();

    /** Merged: makes every written table's file with its header now, rows or not. */
    TableAssembler(TablePlan plan, Layout layout, OutputFiles files) throws IOException {
        this.plan = plan;
        this.layout = layout;
        this.files = files;
        this.merged = new Output[plan.tables.size()];
        if (layout == Layout.MERGED) {
            for (TablePlan.Table table : plan.tables) {
                if (table.written()) {
                    String path = files.reserveTable(table.name);
                    Output output = new Output(table, path, "", files.create(path), newStats(table));
                    merged[table.index] = output;
                    output.channel = FileChannel.open(output.file, StandardOpenOption.WRITE);
                    writeFully(output.channel, ByteBuffer.wrap(header(table)));
                }
            }
        }
    }

    /** Takes the next job's parts: one file's (per file), or a run of files' (merged). */
    void add(TableWriter.FileTables tables) throws IOException {
        try {
            for (TableWriter.Part part : tables.parts()) {
                if (layout == Layout.MERGED) {
                    append(merged[part.table().index], part);
                } else {
                    String path = files.reserve(tables.source(), part.table().local);
                    Path file = files.create(path);
                    Files.move(part.file(), file, StandardCopyOption.REPLACE_EXISTING);
                    Output output = new Output(part.table(), path, tables.source(), file, part.stats());
                    output.rows = part.rows();
                    finished.add(output);
                }
            }
        } finally {
            tables.discard(); // what is left of them
        }
    }

    private static void append(Output output, TableWriter.Part part) throws IOException {
        try (FileChannel in = FileChannel.open(part.file(), StandardOpenOption.READ)) {
            long size = in.size();
            for (long at = 0; at < size; ) {
                at += in.transferTo(at, size - at, output.channel);
            }
        }
        for (int i = 0; i < output.stats.length; i++) {
            output.stats[i].merge(part.stats()[i]);
        }
        output.rows += part.rows();
    }

    /** Ends the record type: closes the merged files. */
    void finish() throws IOException {
        for (int i = 0; i < merged.length; i++) {
            Output output = merged[i];
            if (output != null) {
                merged[i] = null;
                output.channel.close();
                finished.add(output);
            }
        }
    }

    /** Closes what is open without caring for failures (the conversion is failing anyway). */
    void abandon() {
        for (Output output : merged) {
            if (output != null && output.channel != null) {
                try {
                    output.channel.close();
                } catch (IOException e) {
                    // removed with the staging directory
                }
            }
        }
    }

    /** The files written, in the order finished. */
    List<TableOutput> outputs() throws IOException {
        List<TableOutput> outputs = new ArrayList<>();
        for (Output output : finished) {
            outputs.add(new TableOutput(output.path, output.sourceFile, layout == Layout.MERGED ? output.table.name
                    : output.table.local, output.rows, Files.size(output.file), output.table.header()));
        }
        return outputs;
    }

    /** The schema of every file written. */
    List<TableSchema> schemas() {
        List<TableSchema> schemas = new ArrayList<>();
        for (Output output : finished) {
            schemas.add(schema(output));
        }
        return schemas;
    }

    private TableSchema schema(Output output) {
        TablePlan.Table table = output.table;
        List<String> header = table.header();
        List<ColumnSchema> columns = new ArrayList<>();
        int surrogates = table.surrogates().size();
        int dataStart = header.size() - table.columns.size();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            ColumnStats stats = output.stats[i];
            boolean provenance = table.withFile && (i == surrogates || i == surrogates + 1); // _file, _line
            ColumnRole role = i < surrogates ? ColumnRole.SURROGATE
                    : provenance ? ColumnRole.PROVENANCE
                    : name.equals(table.positionColumn) ? ColumnRole.POSITION : ColumnRole.DATA;
            ColumnType type = provenance ? (i == surrogates ? ColumnType.STRING : ColumnType.INTEGER) : stats.type();
            Schema.Column data = i >= dataStart ? table.sources.get(i - dataStart) : null;
            String source = data != null ? TablePlan.source(data) : "";
            boolean mixed = data != null && plan.isStringValue(data);
            columns.add(new ColumnSchema(name, type, role, stats.nulls, source, mixed));
        }
        String name = layout == Layout.MERGED ? table.name : tableName(output.path);
        String parent = "";
        if (table.parent != null) {
            parent = layout == Layout.MERGED ? table.parent.name : parentName(output, table.parent);
        }
        return new TableSchema(name, output.path, output.sourceFile, TablePlan.recordPath(table), parent,
                table.primaryKey(), table.parentKey, table.keySource, output.rows, columns);
    }

    /** Per file: the parent's table of the same file. */
    private String parentName(Output child, TablePlan.Table parent) {
        for (Output output : finished) {
            if (output.table == parent && output.sourceFile.equals(child.sourceFile)) {
                return tableName(output.path);
            }
        }
        return "";
    }

    private static String tableName(String path) {
        return path.endsWith(".csv") ? path.substring(0, path.length() - 4) : path;
    }

    private static ColumnStats[] newStats(TablePlan.Table table) {
        ColumnStats[] stats = new ColumnStats[table.header().size()];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = new ColumnStats();
        }
        return stats;
    }

    private static byte[] header(TablePlan.Table table) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CsvOutput csv = new CsvOutput(bytes)) {
            csv.header(table.header());
        }
        return bytes.toByteArray();
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
