package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.tables;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.testing.DataXml;

/**
 * Real public XML of nine data formats (src/test/resources/real/README.md, "Data formats"),
 * converted with the defaults: the tables a user would call the rows, the natural keys the
 * data holds (also ones that take two columns, or lie one level down, or name another
 * element), clean values, and that the edited second versions keep every table and key.
 */
class DataFormatsTest {

    private static final ConversionOptions DEFAULTS = new ConversionOptions(null, FlattenMode.CHILD_TABLES, "|", false);

    @TempDir
    Path dir;

    private DataPackage convert(Map<String, String> files, String out) throws Exception {
        return Fixtures.convertAll(dir, files, DEFAULTS, out);
    }

    private List<String> column(String out, DataPackage schema, String table, String column) throws Exception {
        return Fixtures.column(dir.resolve(out), schema, table, column);
    }

    @Test
    void anOaiPmhPageGivesItsRecordsKeyedByTheHeaderIdentifierAlthoughTheListEndsInAResumptionToken()
            throws Exception {
        DataPackage schema = convert(DataXml.oaiPmh(false), "oai");

        assertThat(tables(schema)).containsExactly(
                "_document 1 []",
                "record 2 [header.identifier]",
                "record.metadata.oai_dc:dc.dc:creator 4 [record.header.identifier, _position]",
                "record.metadata.oai_dc:dc.dc:type 3 [record.header.identifier, _position]");
        assertThat(column("oai", schema, "record", "header@status")).containsExactly("deleted", "");
        assertThat(column("oai", schema, "record", "metadata.oai_dc:dc.dc:title")).containsExactly("", "Sample Title");
        assertThat(column("oai", schema, "_document", "ListRecords.resumptionToken")).containsExactly("ListRecords2.xml");
        assertThat(column("oai", schema, "_document", "ListRecords.resumptionToken@completeListSize")).containsExactly("8");
    }

    @Test
    void anXmltvGuideGivesChannelsKeyedByIdAndProgrammesWithoutAKeyForNoColumnAloneNamesOne() throws Exception {
        DataPackage schema = convert(DataXml.xmltv(false), "xmltv");

        assertThat(tables(schema)).containsExactly(
                "_document 1 []",
                "channel 5 [@id]",
                "channel.display-name 6 [channel@id, _position]",
                "programme 10 []",
                "programme.title 14 []",
                "programme.credits.actor 35 []");
        assertThat(column("xmltv", schema, "channel", "@id")).containsExactly("UK_RT_2667", "UK_RT_105", "UK_RT_2118",
                "UK_RT_2056", "UK_RT_134");
        assertThat(column("xmltv", schema, "programme", "desc").get(1)).as("entities decoded")
                .startsWith("The 'edible' glitter");
        assertThat(column("xmltv", schema, "_document", "@generator-name")).containsExactly("XMLTV GUI V. 3.14.01W");
    }

    @Test
    void aPain001GivesPaymentInformationsByTheirIdAndTheirTransactionsAsATableByEndToEndIdAlthoughEachHasOne()
            throws Exception {
        DataPackage schema = convert(DataXml.pain001(false), "pain");

        assertThat(tables(schema)).containsExactly(
                "_document 1 []",
                "PmtInf 2 [PmtInfId]",
                "PmtInf.CdtTrfTxInf 2 [PmtInf.PmtInfId, PmtId.EndToEndId]",
                "PmtInf.Dbtr.PstlAdr.AdrLine 2 [PmtInf.PmtInfId, _position]",
                "PmtInf.CdtTrfTxInf.Cdtr.PstlAdr.AdrLine 2 [PmtInf.PmtInfId, CdtTrfTxInf.PmtId.EndToEndId, _position]");
        assertThat(column("pain", schema, "PmtInf.CdtTrfTxInf", "Amt.InstdAmt")).containsExactly("10.1", "20.2");
        assertThat(column("pain", schema, "_document", "CstmrCdtTrfInitn.GrpHdr.MsgId")).containsExactly("message-id-001");
    }

    @Test
    void aPodcastGivesItsEpisodesKeyedByGuidAndKeepsTheChannelsCategoriesInTheDocument() throws Exception {
        DataPackage schema = convert(DataXml.podcast(false), "podcast");

        assertThat(tables(schema)).containsExactly(
                "_document 1 []",
                "_document.channel.itunes:category 3 []",
                "_document.channel.media:category 2 []",
                "item 6 [guid]");
        assertThat(column("podcast", schema, "item", "itunes:duration").getFirst()).isEqualTo("10475");
        assertThat(column("podcast", schema, "item", "description").get(1)).as("character references decoded")
                .startsWith("A zillion games came out last week and we're here");
        assertThat(column("podcast", schema, "_document.channel.itunes:category", "itunes:category@text"))
                .containsExactly("Video Games", "Gadgets", "Other Games");
    }

    @Test
    void aMavenPomKeysDependenciesAndPluginsByGroupAndArtifactTogetherNotByWhicheverHappensToBeUnique()
            throws Exception {
        DataPackage schema = convert(DataXml.maven(false), "maven");

        String coordinates = "project.groupId, project.artifactId";
        assertThat(tables(schema)).startsWith("project 1 [groupId, artifactId]").contains(
                "project.modules.module 7 [" + coordinates + ", _position]",
                "project.dependencyManagement.dependencies.dependency 2 [" + coordinates + ", groupId, artifactId]",
                "project.build.pluginManagement.plugins.plugin 14 [" + coordinates + ", groupId, artifactId]",
                "project.profiles.profile 3 [" + coordinates + ", id]",
                "project.profiles.profile.build.plugins.plugin 5 [" + coordinates + ", profile.id, groupId, artifactId]");
        assertThat(column("maven", schema, "project.dependencyManagement.dependencies.dependency", "artifactId"))
                .containsExactly("junit", "truth");
    }

    @Test
    void anXbrlFilingIsOneRowByItsCikWithContextsAndUnitsByIdAndEachConceptsFactsByTheirContextRef()
            throws Exception {
        DataPackage schema = convert(DataXml.xbrl(false), "xbrl");

        String cik = "xbrli:xbrl.dei:EntityCentralIndexKey";
        assertThat(tables(schema)).containsExactly(
                "xbrli:xbrl 1 [dei:EntityCentralIndexKey]",
                "xbrli:xbrl.xbrli:context 6 [" + cik + ", @id]",
                "xbrli:xbrl.xbrli:unit 3 [" + cik + ", @id]",
                "xbrli:xbrl.us-gaap:CashAndCashEquivalentsAtCarryingValue 3 [" + cik + ", @contextRef]",
                "xbrli:xbrl.us-gaap:RestrictedCashAndCashEquivalents 2 [" + cik + ", @contextRef]",
                "xbrli:xbrl.us-gaap:AccountsReceivableNetCurrent 2 [" + cik + ", @contextRef]",
                "xbrli:xbrl.us-gaap:InventoryNet 2 [" + cik + ", @contextRef]",
                "xbrli:xbrl.us-gaap:PrepaidExpenseAndOtherAssetsCurrent 2 [" + cik + ", @contextRef]");
        assertThat(column("xbrl", schema, "xbrli:xbrl", "dei:EntityRegistrantName"))
                .containsExactly("Applied Optoelectronics, Inc.");
        assertThat(column("xbrl", schema, "xbrli:xbrl.us-gaap:InventoryNet", "us-gaap:InventoryNet"))
                .containsExactly("31200000", "19608000");
    }

    @Test
    void anOnixMessageGivesProductsByRecordReferenceTheirIdentifiersByTypeAndContributorsByTheirSequenceNumber()
            throws Exception {
        DataPackage schema = convert(DataXml.onix(false), "onix");

        assertThat(tables(schema)).containsExactly(
                "_document 1 []",
                "Product 6 [RecordReference]",
                "Product.ProductIdentifier 12 [Product.RecordReference, ProductIDType]",
                "Product.Contributor 6 [Product.RecordReference, SequenceNumber]");
        assertThat(column("onix", schema, "Product.Contributor", "PersonNameInverted").getFirst()).isEqualTo("Jobson, R");
        assertThat(column("onix", schema, "Product", "MarketRepresentation.MarketPublishingStatus").getFirst())
                .as("trailing spaces in the source are trimmed").isEqualTo("04");
        assertThat(column("onix", schema, "_document", "Header.FromCompany")).containsExactly("Bookwise International");
    }

    /**
     * A known limit: a concept reported in one context is a column of the filing's row, in two
     * a table of its own, so a filing that drops the second fact changes the tables unless the
     * earlier layout is kept.
     */
    @Test
    void anXbrlConceptReportedOnceInTheNextFilingIsAColumnThereUnlessTheEarlierLayoutIsKept() throws Exception {
        DataPackage first = convert(DataXml.xbrl(false), "xbrl-1");
        String restricted = "xbrli:xbrl.us-gaap:RestrictedCashAndCashEquivalents";

        DataPackage alone = convert(DataXml.xbrl(true), "xbrl-2");
        assertThat(alone.table(restricted)).isEmpty();
        assertThat(column("xbrl-2", alone, "xbrli:xbrl", "us-gaap:RestrictedCashAndCashEquivalents@contextRef"))
                .containsExactly("AsOf2014-06-30");

        DataPackage kept = Fixtures.convertAll(dir, DataXml.xbrl(true), DEFAULTS.withPreviousLayout(first), "xbrl-3");
        assertThat(tables(kept)).isEqualTo(List.of(
                "xbrli:xbrl 1 [dei:EntityCentralIndexKey]",
                "xbrli:xbrl.xbrli:context 6 [xbrli:xbrl.dei:EntityCentralIndexKey, @id]",
                "xbrli:xbrl.xbrli:unit 3 [xbrli:xbrl.dei:EntityCentralIndexKey, @id]",
                "xbrli:xbrl.us-gaap:CashAndCashEquivalentsAtCarryingValue 3 [xbrli:xbrl.dei:EntityCentralIndexKey, @contextRef]",
                restricted + " 1 [xbrli:xbrl.dei:EntityCentralIndexKey, @contextRef]",
                "xbrli:xbrl.us-gaap:AccountsReceivableNetCurrent 3 [xbrli:xbrl.dei:EntityCentralIndexKey, @contextRef]",
                "xbrli:xbrl.us-gaap:InventoryNet 2 [xbrli:xbrl.dei:EntityCentralIndexKey, @contextRef]",
                "xbrli:xbrl.us-gaap:PrepaidExpenseAndOtherAssetsCurrent 2 [xbrli:xbrl.dei:EntityCentralIndexKey, @contextRef]"));
    }

    @Test
    void sdmxTimeSeriesHaveNoKeyForTheirIdentityIsAllTheirDimensionsTogether() throws Exception {
        DataPackage schema = convert(DataXml.sdmx(false), "sdmx");

        String specific = "message:StructureSpecificTimeSeriesData.";
        String generic = "message:GenericTimeSeriesData.";
        assertThat(tables(schema)).containsExactly(
                specific + "_document 1 []",
                specific + "Series 4 []",
                specific + "Series.Obs 12 []",
                generic + "_document 1 []",
                generic + "generic:Series 4 []",
                generic + "generic:Series.generic:SeriesKey.generic:Value 20 []",
                generic + "generic:Series.generic:Attributes.generic:Value 20 []",
                generic + "generic:Series.generic:Obs 12 []",
                generic + "generic:Series.generic:Obs.generic:Attributes.generic:Value 24 []");
        assertThat(column("sdmx", schema, specific + "Series", "@CURRENCY")).containsExactly("CHF", "GBP", "JPY", "USD");
    }

    /** A known limit: pairing a {@code <key>} with the value element after it would need the scanner. */
    @Test
    void anApplePropertyListsKeysAndValuesAreSiblingsSoTheyLandInSeparateTablesUnpaired() throws Exception {
        DataPackage schema = convert(DataXml.plist(false), "plist");

        assertThat(tables(schema)).containsExactly(
                "_document 1 []",
                "key 9 []",
                "_document.dict.dict.key 8 []",
                "_document.dict.dict.string 2 []",
                "_document.dict.dict.integer 3 []",
                "_document.dict.string 5 []");
        assertThat(column("plist", schema, "key", "key")).startsWith("PayloadContent", "IsPresent", "PresentIs");
        assertThat(column("plist", schema, "_document.dict.dict.integer", "integer")).containsExactly("4", "0", "10");
    }

    @Test
    void everyCellIsTrimmed() throws Exception {
        for (var format : Map.of("oai", DataXml.oaiPmh(false), "xmltv", DataXml.xmltv(false), "pain",
                DataXml.pain001(false), "podcast", DataXml.podcast(false), "plist", DataXml.plist(false), "maven",
                DataXml.maven(false), "xbrl", DataXml.xbrl(false), "sdmx", DataXml.sdmx(false), "onix",
                DataXml.onix(false)).entrySet()) {
            Fixtures.assertEveryCellTrimmed(dir.resolve(format.getKey()), convert(format.getValue(), format.getKey()));
        }
    }

    @Test
    void theEditedSecondVersionsKeepEveryTableColumnAndKeyOfTheFirst() throws Exception {
        record Versions(String name, Map<String, String> first, Map<String, String> second) {
        }
        for (Versions v : List.of(
                new Versions("oai", DataXml.oaiPmh(false), DataXml.oaiPmh(true)),
                new Versions("xmltv", DataXml.xmltv(false), DataXml.xmltv(true)),
                new Versions("pain", DataXml.pain001(false), DataXml.pain001(true)),
                new Versions("podcast", DataXml.podcast(false), DataXml.podcast(true)),
                new Versions("plist", DataXml.plist(false), DataXml.plist(true)),
                new Versions("maven", DataXml.maven(false), DataXml.maven(true)),
                new Versions("sdmx", DataXml.sdmx(false), DataXml.sdmx(true)),
                new Versions("onix", DataXml.onix(false), DataXml.onix(true)))) {
            DataPackage first = convert(v.first(), v.name() + "-1");
            DataPackage alone = convert(v.second(), v.name() + "-2");
            assertThat(alone.tables().stream().map(TableSchema::name).toList()).as(v.name())
                    .isEqualTo(first.tables().stream().map(TableSchema::name).toList());
            DataPackage next = Fixtures.convertAll(dir, v.second(), DEFAULTS.withPreviousLayout(first), v.name() + "-3");
            for (TableSchema before : first.tables()) {
                TableSchema after = next.table(before.name()).orElseThrow();
                assertThat(after.columns().stream().map(ColumnSchema::name).toList()).as("%s %s", v.name(), before.name())
                        .startsWith(before.columns().stream().map(ColumnSchema::name).toArray(String[]::new));
                assertThat(after.primaryKey()).as("%s %s", v.name(), before.name()).isEqualTo(before.primaryKey());
                assertThat(alone.table(before.name()).orElseThrow().primaryKey()).as("%s %s", v.name(), before.name())
                        .isEqualTo(before.primaryKey());
            }
        }
    }
}
