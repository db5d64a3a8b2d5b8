package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.csv;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.session.archive.ArchiveLimits;

/**
 * Real UBL invoices that nobody here wrote (src/test/resources/real/README.md): keys,
 * clean values from pretty-printed documents, and the same layout for a second version.
 */
class RealDataTest {

    private static final ConversionOptions INVOICES = new ConversionOptions("Invoice", FlattenMode.CHILD_TABLES, "|",
            false);

    @TempDir
    Path dir;

    private static String real(String name) throws Exception {
        try (var in = RealDataTest.class.getResourceAsStream("/real/ubl/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private ConversionSummary convert(Map<String, Object> files, ConversionOptions options, String out) throws Exception {
        Path zip = Fixtures.zip(dir.resolve(out + ".zip"), files);
        return new ArchiveConverter(options, ArchiveLimits.defaults()).convert(zip, dir.resolve(out), ConversionProgress.NONE);
    }

    private static Map<String, Object> version1() throws Exception {
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("bii04.xml", real("bii04-full-core-data-01.xml"));
        files.put("dian.xml", real("invoice1.xml"));
        return files;
    }

    @Test
    void invoicesAreKeyedByTheirIdAndLinesByInvoiceAndLineId() throws Exception {
        ConversionSummary summary = convert(version1(), INVOICES, "v1");

        assertThat(summary.failures()).isEmpty();
        DataPackage schema = DataPackage.read(dir.resolve("v1"));
        TableSchema invoice = schema.table("Invoice").orElseThrow();
        assertThat(invoice.rows()).isEqualTo(2);
        assertThat(invoice.primaryKey()).containsExactly("cbc:ID");
        assertThat(invoice.keySource()).isEqualTo(KeySource.DETECTED);
        assertThat(invoice.column("cbc:IssueDate").orElseThrow().type()).isEqualTo(ColumnType.DATE);
        TableSchema lines = schema.table("Invoice.cac:InvoiceLine").orElseThrow();
        assertThat(lines.rows()).isEqualTo(7);
        assertThat(lines.parentKey()).containsExactly("Invoice.cbc:ID");
        assertThat(lines.primaryKey()).containsExactly("Invoice.cbc:ID", "cbc:ID");
        assertThat(lines.keySource()).isEqualTo(KeySource.DETECTED);

        List<List<String>> rows = csv(dir.resolve("v1").resolve(lines.path()));
        int invoiceId = rows.getFirst().indexOf("Invoice.cbc:ID");
        int lineId = rows.getFirst().indexOf("cbc:ID");
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(invoiceId) + "/" + r.get(lineId))
                .containsExactly("TOSL108/1", "TOSL108/2", "TOSL108/3", "TOSL108/4", "TOSL108/5",
                        "SETP990000002/1", "SETP990000002/2");
    }

    @Test
    void prettyPrintedValuesComeOutClean() throws Exception {
        convert(version1(), INVOICES, "v1");

        for (TableSchema table : DataPackage.read(dir.resolve("v1")).tables()) {
            List<List<String>> rows = csv(dir.resolve("v1").resolve(table.path()));
            for (List<String> row : rows.subList(1, rows.size())) {
                assertThat(row).as("table %s", table.name()).allSatisfy(cell -> assertThat(cell).isEqualTo(cell.strip()));
            }
        }
        List<List<String>> invoices = csv(dir.resolve("v1/Invoice.csv"));
        int note = invoices.getFirst().indexOf("cbc:Note");
        assertThat(invoices.get(2).get(note)).startsWith("SETP9900000022019-06-20").doesNotContain("\n");

        convert(version1(), INVOICES.withKeepWhitespace(true), "kept");
        List<List<String>> kept = csv(dir.resolve("kept/Invoice.csv"));
        int city = kept.getFirst().indexOf("cac:AccountingSupplierParty.cac:Party.cac:PhysicalLocation.cac:Address.cbc:CityName");
        assertThat(kept.get(2).get(city)).isEqualTo("Bogotá, D.c. "); // as written, with its trailing space
    }

    @Test
    void aSecondVersionKeepsTheFirstVersionsTablesAndColumns() throws Exception {
        convert(version1(), INVOICES, "v1");
        DataPackage first = DataPackage.read(dir.resolve("v1"));
        // next month: the DIAN invoice loses its second line and gains warranty information on the first
        String dian = real("invoice1.xml");
        int second = dian.indexOf("<cac:InvoiceLine>", dian.indexOf("<cac:InvoiceLine>") + 1);
        int end = dian.indexOf("</cac:InvoiceLine>", second) + "</cac:InvoiceLine>".length();
        String edited = dian.substring(0, second) + dian.substring(end);
        edited = edited.replaceFirst("<cbc:ID>1</cbc:ID>", "<cbc:ID>1</cbc:ID>\n    <cbc:WarrantyInformation>two years</cbc:WarrantyInformation>");
        Map<String, Object> version2 = new LinkedHashMap<>();
        version2.put("2024-02/dian.xml", edited);
        version2.put("2024-02/bii04.xml", real("bii04-full-core-data-01.xml"));

        ConversionSummary summary = convert(version2, INVOICES.withPreviousLayout(first), "v2");

        DataPackage next = summary.schema();
        assertThat(next.tables()).extracting(TableSchema::name).containsExactlyElementsOf(
                first.tables().stream().map(TableSchema::name).toList());
        for (TableSchema before : first.tables()) {
            TableSchema after = next.table(before.name()).orElseThrow();
            List<String> beforeColumns = before.columns().stream().map(c -> c.name()).toList();
            assertThat(after.columns().stream().map(c -> c.name()).toList().subList(0, beforeColumns.size()))
                    .as("table %s", before.name()).isEqualTo(beforeColumns);
            assertThat(after.primaryKey()).isEqualTo(before.primaryKey());
        }
        assertThat(summary.layoutChanges().addedColumns()).containsExactly("Invoice.cac:InvoiceLine: cbc:WarrantyInformation");
        assertThat(next.table("Invoice.cac:InvoiceLine").orElseThrow().rows()).isEqualTo(6);
        assertThat(Files.exists(dir.resolve("v2/datapackage.json"))).isTrue();
    }
}
