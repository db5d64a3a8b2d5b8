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
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.testing.PublicXml;

/**
 * Real public XML of twelve more shapes (src/test/resources/real/README.md, "Other shapes"),
 * converted with the defaults under their real file names: which tables and natural keys
 * they give (ids, names, key-value pairs, URIs, an id one level down), that every value is
 * clean, and that the edited second versions keep every table and column of the first.
 */
class PublicFormatsTest {

    private static final ConversionOptions DEFAULTS = new ConversionOptions(null, FlattenMode.CHILD_TABLES, "|", false);

    @TempDir
    Path dir;

    private DataPackage convert(Map<String, String> files, String out) throws Exception {
        return convert(files, DEFAULTS, out);
    }

    private DataPackage convert(Map<String, String> files, ConversionOptions options, String out) throws Exception {
        return Fixtures.convertAll(dir, files, options, out);
    }

    private List<String> column(String out, DataPackage schema, String table, String column) throws Exception {
        return Fixtures.column(dir.resolve(out), schema, table, column);
    }

    @Test
    void aSitemapsUrlsAreKeyedByTheirLocBecauseEveryLocIsAUniqueUriAndTheirImagesByTheImageLoc() throws Exception {
        DataPackage schema = convert(PublicXml.sitemap(false), "sitemap");

        assertThat(tables(schema)).containsExactly(
                "url 74 [loc]",
                "url.image:image 94 [url.loc, image:loc]",
                "url.video:video.video:tag 23 [url.loc, _position]");
        assertThat(column("sitemap", schema, "url", "loc").getFirst())
                .isEqualTo("http://www.hebdenbridgetimes.co.uk/news/local/video-tour-de-yorkshire-in-calderdale-1-7242580");
        assertThat(column("sitemap", schema, "url", "video:video.video:player_loc").getFirst())
                .as("entities decoded").contains("&playerKey=").doesNotContain("&amp;");
    }

    @Test
    void exchangeRatesAreKeyedByCurrencyTheAttributeOfAKeyValuePairAndTheDateGoesToTheDocumentTable() throws Exception {
        DataPackage schema = convert(PublicXml.ecbRates(false), "ecb");

        assertThat(tables(schema)).containsExactly("_document 1 []", "Cube 30 [@currency]");
        assertThat(column("ecb", schema, "_document", "Cube.Cube@time")).containsExactly("2025-05-09");
        assertThat(column("ecb", schema, "Cube", "@rate").getFirst()).isEqualTo("1.1252");
    }

    @Test
    void androidStringsAndPluralsAreKeyedByName() throws Exception {
        DataPackage schema = convert(PublicXml.androidStrings(false), "android");

        assertThat(tables(schema)).containsExactly(
                "string 19 [@name]",
                "plurals 2 [@name]",
                "plurals.item 4 [plurals@name, _position]");
        assertThat(column("android", schema, "string", "string").getFirst()).isEqualTo("Sunflower");
    }

    @Test
    void xliffTranslationUnitsAreTheRecordsKeyedByIdWithTheFileHeaderInTheDocumentTable() throws Exception {
        DataPackage schema = convert(PublicXml.xliff(false), "xliff");

        assertThat(tables(schema)).containsExactly("_document 1 []", "trans-unit 5 [@id]");
        assertThat(column("xliff", schema, "_document", "file@source-language")).containsExactly("en");
        assertThat(column("xliff", schema, "trans-unit", "target")).containsExactly("bar", "", "", "with", "skipped");
    }

    @Test
    void junitTestCasesAreKeyedByTheirNameAndTheSuiteCountsGoToTheDocumentTable() throws Exception {
        DataPackage schema = convert(PublicXml.junitReport(false), "junit");

        assertThat(tables(schema)).containsExactly("_document 1 []", "testcase 8 [@name]");
        assertThat(column("junit", schema, "_document", "@tests")).containsExactly("8");
        assertThat(column("junit", schema, "testcase", "error@type"))
                .filteredOn(type -> !type.isEmpty())
                .containsExactly("java.lang.NullPointerException", "java.rmi.ServerException", "java.rmi.ServerException");
    }

    @Test
    void pubmedArticlesAreKeyedByThePmidOneLevelDownAndTheirListsByOwnIdsOrKeyValuePairs() throws Exception {
        DataPackage schema = convert(PublicXml.pubmed(false), "pubmed");

        String article = "PubmedArticle";
        String pmid = "PubmedArticle.MedlineCitation.PMID";
        assertThat(tables(schema)).startsWith(article + " 3 [MedlineCitation.PMID]").contains(
                article + ".MedlineCitation.Article.GrantList.Grant 38 [" + pmid + ", GrantID]",
                article + ".MedlineCitation.Article.PublicationTypeList.PublicationType 7 [" + pmid + ", @UI]",
                article + ".PubmedData.ArticleIdList.ArticleId 13 [" + pmid + ", @IdType]",
                article + ".MedlineCitation.Article.AuthorList.Author 36 [" + pmid + ", _position]");
        assertThat(column("pubmed", schema, article, "MedlineCitation.PMID")).containsExactly("27797938", "28775130",
                "30108519");
    }

    @Test
    void anRssFeedWhoseItemsLackAGuidOrALinkHasNoKeyAndKeepsEntitiesAndCdataAsText() throws Exception {
        DataPackage schema = convert(PublicXml.rss(false), "rss");

        assertThat(tables(schema)).containsExactly("_document 1 []", "item 4 []");
        assertThat(column("rss", schema, "item", "link")).containsExactly("https://www.example.com/blog/post/1", "",
                "https://www.example.com/foo?q=a&l=en", "https://www.example.com/foo?q=a&l=fr");
        assertThat(column("rss", schema, "item", "title").get(1)).isEqualTo("&guid& element instead of &link&");
        assertThat(column("rss", schema, "_document", "channel.lastBuildDate")).containsExactly("Mon, 06 Sep 2010 00:01:00 +0000");
    }

    @Test
    void otherShapesGiveTheirRecordsAndOnlyKeysTheDataHolds() throws Exception {
        assertThat(tables(convert(PublicXml.atom(), "atom"))).containsExactly(
                "feed 1 [id]",
                "feed.entry 1 [feed.id, id]",
                "feed.entry.content.alert.info.parameter 4 [feed.id, entry.id, valueName]",
                "feed.entry.content.alert.info.area.geocode 2 [feed.id, entry.id, valueName]");
        assertThat(tables(convert(PublicXml.cap(), "cap"))).containsExactly(
                "alert 1 [identifier]",
                "alert.code 3 [alert.identifier, _position]",
                "alert.info 2 [alert.identifier, _position]",
                "alert.info.eventCode 4 [alert.identifier, info._position, valueName]",
                "alert.info.parameter 10 [alert.identifier, info._position, valueName]",
                "alert.info.area 4 [alert.identifier, info._position, _position]",
                "alert.info.area.geocode 26 [alert.identifier, info._position, area._position, _position]");
        assertThat(tables(convert(PublicXml.gpx(), "gpx"))).containsExactly("gpx 1 []", "gpx.trk.trkseg.trkpt 206 []");
        assertThat(tables(convert(PublicXml.kml(), "kml"))).containsExactly(
                "_document 1 []",
                "StyleMap 1 [@id]",
                "StyleMap.Pair 2 [StyleMap@id, key]",
                "Style 2 [@id]",
                "Placemark 15 []",
                "Placemark.ExtendedData.Data 30 []",
                "Placemark.gx:Track.gx:coord 9 []");
        assertThat(tables(convert(PublicXml.marc(), "marc"))).containsExactly(
                "_document 1 []",
                "marc:record 2 []",
                "marc:record.marc:controlfield 9 []",
                "marc:record.marc:datafield 36 []",
                "marc:record.marc:datafield.marc:subfield 65 []");
    }

    @Test
    void recordTablesBesideTheDocumentTableHaveNoParent() throws Exception {
        DataPackage schema = convert(PublicXml.kml(), "kml");

        assertThat(schema.tables()).filteredOn(t -> !t.name().contains(".") && !t.name().equals("_document"))
                .extracting(TableSchema::name).containsExactly("StyleMap", "Style", "Placemark");
        assertThat(schema.tables()).filteredOn(t -> !t.name().contains("."))
                .allSatisfy(t -> assertThat(t.isChild()).as(t.name()).isFalse());
        assertThat(schema.table("Placemark.ExtendedData.Data").orElseThrow().parent()).isEqualTo("Placemark");
    }

    @Test
    void everyCellIsTrimmed() throws Exception {
        Map<String, Map<String, String>> formats = new LinkedHashMap<>();
        formats.put("sitemap", PublicXml.sitemap(false));
        formats.put("pubmed", PublicXml.pubmed(false));
        formats.put("cap", PublicXml.cap());
        formats.put("gpx", PublicXml.gpx());
        formats.put("kml", PublicXml.kml());
        formats.put("android", PublicXml.androidStrings(false));
        for (var format : formats.entrySet()) {
            Fixtures.assertEveryCellTrimmed(dir.resolve(format.getKey()), convert(format.getValue(), format.getKey()));
        }
    }

    @Test
    void theEditedSecondVersionsKeepEveryTableColumnAndKeyOfTheFirst() throws Exception {
        record Versions(String name, Map<String, String> first, Map<String, String> second) {
        }
        for (Versions v : List.of(
                new Versions("sitemap", PublicXml.sitemap(false), PublicXml.sitemap(true)),
                new Versions("ecb", PublicXml.ecbRates(false), PublicXml.ecbRates(true)),
                new Versions("android", PublicXml.androidStrings(false), PublicXml.androidStrings(true)),
                new Versions("xliff", PublicXml.xliff(false), PublicXml.xliff(true)),
                new Versions("junit", PublicXml.junitReport(false), PublicXml.junitReport(true)),
                new Versions("rss", PublicXml.rss(false), PublicXml.rss(true)))) {
            DataPackage first = convert(v.first(), v.name() + "-1");
            DataPackage alone = convert(v.second(), v.name() + "-2");
            assertThat(tables(alone)).as(v.name()).hasSameSizeAs(tables(first));
            DataPackage next = convert(v.second(), DEFAULTS.withPreviousLayout(first), v.name() + "-3");
            for (TableSchema before : first.tables()) {
                TableSchema after = next.table(before.name()).orElseThrow();
                assertThat(after.columns().stream().map(ColumnSchema::name).toList()).as("%s %s", v.name(), before.name())
                        .isEqualTo(before.columns().stream().map(ColumnSchema::name).toList());
                assertThat(after.primaryKey()).as("%s %s", v.name(), before.name()).isEqualTo(before.primaryKey());
                assertThat(alone.table(before.name()).orElseThrow().primaryKey()).as("%s %s", v.name(), before.name())
                        .isEqualTo(before.primaryKey());
            }
        }
    }
}
