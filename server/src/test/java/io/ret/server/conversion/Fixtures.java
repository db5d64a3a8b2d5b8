package io.ret.server.conversion;

import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.Layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import io.ret.server.session.archive.ArchiveLimits;

/** Builds inputs and reads outputs for the conversion tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A ZIP of the entries in order; String contents are written as UTF-8. */
    static Path zip(Path file, Map<String, ?> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, ?> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(bytes(entry.getValue()));
                zip.closeEntry();
            }
        }
        return file;
    }

    static byte[] bytes(Object content) {
        return content instanceof byte[] b ? b : content.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Converts one document (as {@code doc.xml} in a ZIP) in the per-file layout, which names
     * its outputs after the document, and returns the summary; outputs are under {@code dir/out}.
     */
    static ConversionSummary convert(Path dir, Object xml, ConversionOptions options) throws IOException {
        Path zip = zip(dir.resolve("in.zip"), Map.of("doc.xml", xml));
        return new ArchiveConverter(options.withLayout(Layout.PER_FILE), ArchiveLimits.defaults())
                .convert(zip, dir.resolve("out"), ConversionProgress.NONE);
    }

    static ConversionSummary convert(Path dir, Object xml) throws IOException {
        return convert(dir, xml, ConversionOptions.defaults());
    }

    /** All rows of a CSV file, header first. */
    static List<List<String>> csv(Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader<CsvRecord> reader = CsvReader.builder().ofCsvRecord(file)) {
            for (CsvRecord record : reader) {
                rows.add(record.getFields());
            }
        }
        return rows;
    }

    static List<List<String>> csv(Path dir, String relative) throws IOException {
        return csv(dir.resolve("out").resolve(relative));
    }

    static List<String> row(String... cells) {
        return List.of(cells);
    }

    static String text(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    static ConversionOptions join(String separator) {
        return new ConversionOptions(null, FlattenMode.JOIN_REPEATED, separator, false);
    }

    static ConversionOptions record(String recordElement) {
        return new ConversionOptions(recordElement, FlattenMode.CHILD_TABLES, "|", false);
    }

    /** Converts {@code files} (name to XML) as a ZIP in {@code dir} into {@code dir/out}; every file must convert. */
    static DataPackage convertAll(Path dir, Map<String, String> files, ConversionOptions options, String out)
            throws IOException {
        Path zip = zip(dir.resolve(out + ".zip"), new LinkedHashMap<>(files));
        ConversionSummary summary = new ArchiveConverter(options, ArchiveLimits.defaults())
                .convert(zip, dir.resolve(out), ConversionProgress.NONE);
        assertThat(summary.failures()).isEmpty();
        return summary.schema();
    }

    /** "name rows key" per table, in the schema's order. */
    static List<String> tables(DataPackage schema) {
        return schema.tables().stream().map(t -> t.name() + " " + t.rows() + " " + t.primaryKey()).toList();
    }

    /** The values of one column of a converted table, in row order. */
    static List<String> column(Path outDir, DataPackage schema, String table, String column) throws IOException {
        List<List<String>> rows = csv(outDir.resolve(schema.table(table).orElseThrow().path()));
        int at = rows.getFirst().indexOf(column);
        assertThat(at).as("column %s of %s: %s", column, table, rows.getFirst()).isNotNegative();
        return rows.subList(1, rows.size()).stream().map(r -> r.get(at)).toList();
    }

    /** Asserts that no cell of any table in {@code outDir} has whitespace around it. */
    static void assertEveryCellTrimmed(Path outDir, DataPackage schema) throws IOException {
        for (var table : schema.tables()) {
            List<List<String>> rows = csv(outDir.resolve(table.path()));
            for (List<String> row : rows.subList(1, rows.size())) {
                assertThat(row).as("%s table %s", outDir.getFileName(), table.name())
                        .allSatisfy(cell -> assertThat(cell).isEqualTo(cell.strip()));
            }
        }
    }
}
