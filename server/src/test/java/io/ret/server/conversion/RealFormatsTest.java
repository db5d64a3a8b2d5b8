package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.tables;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.testing.RealXml;

/**
 * Real OpenStreetMap, MediaWiki and ISO 20022 files that nobody here wrote
 * (src/test/resources/real/README.md), converted with the default options: which tables and
 * keys they give, that every value is clean, and that next month's edited copy, converted
 * with the first layout, keeps every table and column.
 */
class RealFormatsTest {

    private static final ConversionOptions DEFAULTS = new ConversionOptions(null, FlattenMode.CHILD_TABLES, "|", false);

    @TempDir
    Path dir;

    private DataPackage convert(Map<String, String> files, ConversionOptions options, String out) throws Exception {
        return Fixtures.convertAll(dir, files, options, out);
    }

    private List<String> column(String out, DataPackage schema, String table, String column) throws Exception {
        return Fixtures.column(dir.resolve(out), schema, table, column);
    }

    @Test
    void openStreetMapNodesWaysAndRelationsAreThreeRecordTablesKeyedByIdWithTheirNdTagAndMemberChildren()
            throws Exception {
        DataPackage schema = convert(RealXml.osm(false), DEFAULTS, "osm");

        assertThat(tables(schema)).containsExactly(
                "_document 2 []",
                "node 24 [@id]",
                "node.tag 3 [node@id, @k]",
                "way 2 [@id]",
                "way.nd 25 [way@id, _position]",
                "way.tag 10 [way@id, @k]",
                "relation 1 [@id]",
                "relation.member 8 [relation@id, _position]",
                "relation.tag 3 [relation@id, @k]");
        assertThat(schema.table("way").orElseThrow().recordPath()).isEqualTo("/osm/way");
        assertThat(schema.table("way.nd").orElseThrow().parent()).isEqualTo("way");
        assertThat(column("osm", schema, "way", "@id")).containsExactly("4428564", "189944949");
        assertThat(column("osm", schema, "node.tag", "node@id")).containsExactly("250384970", "250996321", "252587568");
        assertThat(column("osm", schema, "relation.member", "@role")).containsExactly("stop", "stop", "platform", "platform",
                "building", "", "", "");
        assertThat(column("osm", schema, "way.tag", "@v")).contains("Helmholtzstraße", "parking");
    }

    @Test
    void mediaWikiPagesAreKeyedByIdAndTheirRevisionsAreAChildTableAlthoughEachPageHasOne() throws Exception {
        DataPackage schema = convert(RealXml.mediawiki(false), DEFAULTS, "wiki");

        assertThat(tables(schema)).containsExactly(
                "_document 1 []",
                "page 2 [id]",
                "page.revision 2 [page.id, id]");
        assertThat(schema.table("page.revision").orElseThrow().keySource()).isEqualTo(KeySource.DETECTED);
        assertThat(column("wiki", schema, "page", "title")).containsExactly("Lorem ipsum", "Category:Lorem ipsum");
        assertThat(column("wiki", schema, "page.revision", "contributor.username")).containsExactly("Tester", "Tester");
        assertThat(column("wiki", schema, "page.revision", "text").get(1)).isEqualTo("[[Category:Main]]");
        assertThat(column("wiki", schema, "_document", "siteinfo.generator")).containsExactly("MediaWiki 1.19.7");
    }

    @Test
    void iso20022StatementsAreTheRecordsKeyedByIdWithTheirBalancesAndTheGroupHeaderGoesToTheDocumentTable()
            throws Exception {
        DataPackage schema = convert(RealXml.iso20022(false), DEFAULTS, "camt");

        assertThat(tables(schema)).containsExactly(
                "_document 3 []",
                "Stmt 4 [Id]",
                "Stmt.Bal 15 [Stmt.Id, _position]",
                "Stmt.Ntry 4 [Stmt.Id, _position]");
        assertThat(column("camt", schema, "Stmt", "Id")).containsExactly("CAMT0532015012200001", "253EURNL26VAYB8060476890",
                "254EURNL26VAYB8060476890", "253EURCH2801234000123456789");
        assertThat(column("camt", schema, "Stmt.Ntry", "Amt")).containsExactly("8.850", "8.85", "7.00", "8.85");
        assertThat(column("camt", schema, "_document", "BkToCstmrStmt.GrpHdr.MsgId")).hasSize(3);
    }

    @Test
    void everyCellOfThePrettyPrintedRealFilesIsTrimmed() throws Exception {
        Map<String, Map<String, String>> formats = Map.of("osm", RealXml.osm(false), "wiki", RealXml.mediawiki(false),
                "camt", RealXml.iso20022(false));
        for (var format : formats.entrySet()) {
            Fixtures.assertEveryCellTrimmed(dir.resolve(format.getKey()), convert(format.getValue(), DEFAULTS, format.getKey()));
        }
    }

    @Test
    void theEditedSecondVersionsKeepEveryTableAndColumnOfTheFirst() throws Exception {
        record Versions(String name, Map<String, String> first, Map<String, String> second) {
        }
        for (Versions v : List.of(new Versions("osm", RealXml.osm(false), RealXml.osm(true)),
                new Versions("wiki", RealXml.mediawiki(false), RealXml.mediawiki(true)),
                new Versions("camt", RealXml.iso20022(false), RealXml.iso20022(true)))) {
            DataPackage first = convert(v.first(), DEFAULTS, v.name() + "-1");
            // converted on its own, the second version already has the same tables
            DataPackage alone = convert(v.second(), DEFAULTS, v.name() + "-2");
            assertThat(alone.tables()).as(v.name()).extracting(TableSchema::name)
                    .containsExactlyElementsOf(first.tables().stream().map(TableSchema::name).toList());
            ConversionSummary next = new ArchiveConverter(DEFAULTS.withPreviousLayout(first), ArchiveLimits.defaults())
                    .convert(Fixtures.zip(dir.resolve(v.name() + "-3.zip"), new LinkedHashMap<>(v.second())),
                            dir.resolve(v.name() + "-3"), ConversionProgress.NONE);
            assertThat(next.layoutChanges().addedTables()).as(v.name()).isEmpty();
            assertThat(next.layoutChanges().addedColumns()).as(v.name()).isEmpty();
            for (TableSchema before : first.tables()) {
                TableSchema after = next.schema().table(before.name()).orElseThrow();
                assertThat(after.columns().stream().map(ColumnSchema::name).toList()).as("%s %s", v.name(), before.name())
                        .isEqualTo(before.columns().stream().map(ColumnSchema::name).toList());
                assertThat(after.primaryKey()).as("%s %s", v.name(), before.name()).isEqualTo(before.primaryKey());
            }
        }
    }
}
