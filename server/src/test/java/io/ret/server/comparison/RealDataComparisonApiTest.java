package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.ret.api.v1.ChangeType;
import io.ret.api.v1.Comparison;
import io.ret.api.v1.ComparisonOptions;
import io.ret.api.v1.ComparisonServiceGrpc;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.FileComparison;
import io.ret.api.v1.FileStatus;
import io.ret.api.v1.GetComparisonRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListDeltasRequest;
import io.ret.api.v1.RowDelta;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.testing.DataXml;
import io.ret.server.testing.PublicXml;
import io.ret.server.testing.RealXml;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real OpenStreetMap, MediaWiki and ISO 20022 files, other public shapes (PublicXml) and data
 * formats (DataXml), and their edited second versions, uploaded, converted with the defaults
 * and compared over the real channel: every table pairs with its twin, is keyed by its natural
 * key, and each edit counts exactly once.
 * Also the generated case of a line added where every order of the first version had one.
 */
class RealDataComparisonApiTest {

    private static TestServer server;
    private static SessionClient user;
    private static ComparisonServiceGrpc.ComparisonServiceBlockingStub comparisons;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = SessionClient.newUser(server, "real-data-differ");
        comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Session converted(Map<String, String> files, ConversionOptions options) {
        return user.uploadConverted("real.zip", files, options);
    }

    /**
     * Compares two versions, the second converted with the first one's layout (as next month's
     * export is); every table must pair with its twin without a change of columns.
     */
    private static Comparison compare(Map<String, String> left, Map<String, String> right) throws Exception {
        Session first = converted(left, ConversionOptions.getDefaultInstance());
        Session second = converted(right, ConversionOptions.newBuilder().setLayoutFromSessionId(first.getId()).build());
        Job job = comparisons.startComparison(StartComparisonRequest.newBuilder()
                .setLeftSessionId(first.getId()).setRightSessionId(second.getId())
                .setOptions(ComparisonOptions.getDefaultInstance()).build());
        Job done = user.await(job.getId());
        assertThat(done.getState()).as("comparison error %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Comparison c = comparisons.getComparison(GetComparisonRequest.newBuilder()
                .setComparisonId(done.getResultId()).build());
        assertThat(c.getFilesList()).allSatisfy(f -> {
            assertThat(f.getStatus()).as(f.getPath()).isEqualTo(FileStatus.FILE_STATUS_MATCHED);
            assertThat(f.getColumnChanges().getAddedList()).as(f.getPath()).isEmpty();
            assertThat(f.getColumnChanges().getRemovedList()).as(f.getPath()).isEmpty();
            assertThat(f.getKeyColumnsList()).as(f.getPath()).doesNotContain("_id", "_parent_id", "_root_id", "_file");
        });
        return c;
    }

    /** Per table: its key columns, then added, removed, modified, unchanged. */
    private static Map<String, String> outcome(Comparison c) {
        Map<String, String> outcome = new TreeMap<>();
        for (FileComparison f : c.getFilesList()) {
            outcome.put(f.getPath(), f.getKeyColumnsList() + " +" + f.getRowsAdded() + " -" + f.getRowsRemoved() + " ~"
                    + f.getRowsModified() + " =" + f.getRowsUnchanged());
        }
        return outcome;
    }

    private static List<RowDelta> deltas(Comparison c, String table, ChangeType type) {
        return comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId()).setFile(table)
                .setChangeType(type).setPageSize(1000).build()).getDeltasList();
    }

    private static List<List<String>> keys(Comparison c, String table, ChangeType type) {
        return deltas(c, table, type).stream().map(d -> List.copyOf(d.getKeyList())).toList();
    }

    @Test
    void openStreetMapANodeRemovedOneAddedATagChangedAndATagAddedToANodeWithOneCountOnceEach() throws Exception {
        Comparison c = compare(RealXml.osm(false), RealXml.osm(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =2",
                "node", "[@id] +1 -1 ~0 =23",
                "node.tag", "[node@id, @k] +1 -0 ~0 =3",
                "way", "[@id] +0 -0 ~0 =2",
                "way.nd", "[way@id, _position] +0 -0 ~0 =25",
                "way.tag", "[way@id, @k] +0 -0 ~1 =9",
                "relation", "[@id] +0 -0 ~0 =1",
                "relation.member", "[relation@id, _position] +0 -0 ~0 =8",
                "relation.tag", "[relation@id, @k] +0 -0 ~0 =3"));
        assertThat(keys(c, "node", ChangeType.CHANGE_TYPE_REMOVED)).containsExactly(List.of("1299329303"));
        assertThat(keys(c, "node", ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of("9000000001"));
        assertThat(keys(c, "node.tag", ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of("250384970", "highway"));
        assertThat(deltas(c, "way.tag", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement().satisfies(d -> {
            assertThat(d.getKeyList()).containsExactly("4428564", "maxspeed");
            assertThat(d.getChangesList()).singleElement().satisfies(change -> {
                assertThat(change.getColumn()).isEqualTo("@v");
                assertThat(List.of(change.getBefore(), change.getAfter())).containsExactly("30", "50");
            });
        });
    }

    @Test
    void mediaWikiAPageRemovedOneAddedAValueChangedAndARevisionAddedToAPageWithOneCountOnceEach() throws Exception {
        Comparison c = compare(RealXml.mediawiki(false), RealXml.mediawiki(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "page", "[id] +1 -1 ~1 =0",
                "page.revision", "[page.id, id] +2 -1 ~0 =1"));
        assertThat(keys(c, "page", ChangeType.CHANGE_TYPE_REMOVED)).containsExactly(List.of("496"));
        assertThat(keys(c, "page.revision", ChangeType.CHANGE_TYPE_ADDED))
                .containsExactlyInAnyOrder(List.of("493", "1400"), List.of("494", "1401"));
        assertThat(deltas(c, "page", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement()
                .satisfies(d -> assertThat(d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("sha1"));
    }

    @Test
    void iso20022AStatementRemovedOneAddedAValueChangedAndABalanceAddedToAStatementWithOneCountOnceEach()
            throws Exception {
        Comparison c = compare(RealXml.iso20022(false), RealXml.iso20022(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =3",
                "Stmt", "[Id] +1 -1 ~1 =2",
                "Stmt.Bal", "[Stmt.Id, _position] +3 -2 ~0 =13",
                "Stmt.Ntry", "[Stmt.Id, _position] +1 -1 ~0 =3"));
        assertThat(keys(c, "Stmt", ChangeType.CHANGE_TYPE_REMOVED)).containsExactly(List.of("253EURNL26VAYB8060476890"));
        assertThat(keys(c, "Stmt", ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of("255EURNL26VAYB8060476890"));
        assertThat(deltas(c, "Stmt", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement().satisfies(d -> assertThat(
                d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("AddtlStmtInf"));
    }

    @Test
    void aSitemapKeyedByLocCountsAUrlInsertedAtTheTopOneRemovedOneChangedOneMovedAndASecondImageOnceEach()
            throws Exception {
        Comparison c = compare(PublicXml.sitemap(false), PublicXml.sitemap(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "url", "[loc] +1 -1 ~1 =72",
                "url.image:image", "[url.loc, image:loc] +1 -1 ~0 =93",
                "url.video:video.video:tag", "[url.loc, _position] +0 -0 ~0 =23"));
        String site = "http://www.hebdenbridgetimes.co.uk/news/local/";
        assertThat(keys(c, "url", ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of(site + "new-article-1-7300000"));
        assertThat(keys(c, "url", ChangeType.CHANGE_TYPE_REMOVED))
                .containsExactly(List.of(site + "tour-racing-ahead-to-calderdale-1-7239866"));
        assertThat(deltas(c, "url", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement()
                .satisfies(d -> assertThat(d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("lastmod"));
        assertThat(keys(c, "url.image:image", ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of(
                site + "video-tour-de-yorkshire-in-calderdale-1-7242580",
                "http://www.hebdenbridgetimes.co.uk/webimage/extra-2.jpg"));
    }

    @Test
    void exchangeRatesAndAppStringsAndTranslationUnitsAndTestCasesCountEachEditOnceByTheirNaturalKeys()
            throws Exception {
        assertThat(outcome(compare(PublicXml.ecbRates(false), PublicXml.ecbRates(true))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "_document", "[] +0 -0 ~0 =1",
                        "Cube", "[@currency] +1 -1 ~1 =28"));
        Comparison strings = compare(PublicXml.androidStrings(false), PublicXml.androidStrings(true));
        assertThat(outcome(strings)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "string", "[@name] +1 -1 ~1 =17",
                "plurals", "[@name] +0 -0 ~0 =2",
                "plurals.item", "[plurals@name, _position] +1 -0 ~0 =4"));
        assertThat(keys(strings, "string", ChangeType.CHANGE_TYPE_REMOVED)).containsExactly(List.of("available"));
        assertThat(outcome(compare(PublicXml.xliff(false), PublicXml.xliff(true))))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "_document", "[] +0 -0 ~0 =1",
                        "trans-unit", "[@id] +1 -1 ~1 =3"));
        Comparison junit = compare(PublicXml.junitReport(false), PublicXml.junitReport(true));
        assertThat(outcome(junit)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "testcase", "[@name] +1 -1 ~1 =6"));
        assertThat(deltas(junit, "testcase", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement()
                .satisfies(d -> assertThat(d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("@time"));
    }

    @Test
    void pubmedArticlesPairByPmidAcrossFilesAndAKeywordAddedToAnArticleWithOneIsOneAddedRow() throws Exception {
        Comparison c = compare(PublicXml.pubmed(false), PublicXml.pubmed(true));

        Map<String, String> outcome = outcome(c);
        assertThat(outcome.get("PubmedArticle")).isEqualTo("[MedlineCitation.PMID] +0 -1 ~1 =1");
        assertThat(keys(c, "PubmedArticle", ChangeType.CHANGE_TYPE_REMOVED)).containsExactly(List.of("30108519"));
        assertThat(deltas(c, "PubmedArticle", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement()
                .satisfies(d -> assertThat(d.getChangesList()).extracting(ch -> ch.getColumn())
                        .containsExactly("MedlineCitation.Article.ArticleTitle"));
        String keywords = "PubmedArticle.MedlineCitation.KeywordList.Keyword";
        assertThat(keys(c, keywords, ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of("27797938", "2"));
        assertThat(keys(c, keywords, ChangeType.CHANGE_TYPE_REMOVED)).allSatisfy(
                key -> assertThat(key.getFirst()).isEqualTo("30108519"));
    }

    @Test
    void anRssFeedWithoutKeysComparesItsItemsAsAMultisetAndSaysSo() throws Exception {
        Comparison c = compare(PublicXml.rss(false), PublicXml.rss(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "item", "[] +1 -1 ~0 =3"));
        assertThat(c.getFilesList()).filteredOn(f -> f.getPath().equals("item")).singleElement()
                .satisfies(f -> assertThat(f.getWarningsList()).anySatisfy(w -> assertThat(w).contains("multiset")));
    }

    @Test
    void anOaiPmhPageARecordDeletedOneAddedAndATitleRevisedCountOnceEachByTheHeaderIdentifier() throws Exception {
        Comparison c = compare(DataXml.oaiPmh(false), DataXml.oaiPmh(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "record", "[header.identifier] +1 -1 ~1 =0",
                "record.metadata.oai_dc:dc.dc:creator", "[record.header.identifier, _position] +1 -0 ~0 =4",
                "record.metadata.oai_dc:dc.dc:type", "[record.header.identifier, _position] +1 -0 ~0 =3"));
        assertThat(keys(c, "record", ChangeType.CHANGE_TYPE_REMOVED)).containsExactly(List.of("oai:test.example.com:1585310"));
        assertThat(keys(c, "record", ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of("oai:test.example.com:1585400"));
        assertThat(deltas(c, "record", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement().satisfies(d -> assertThat(
                d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("metadata.oai_dc:dc.dc:title"));
    }

    @Test
    void aPaymentOrderAPaymentRemovedOneWithTwoTransfersAddedAndADateChangedCountOnceEachByTheirIds()
            throws Exception {
        Comparison c = compare(DataXml.pain001(false), DataXml.pain001(true));

        String transfer = "[PmtInf.PmtInfId, CdtTrfTxInf.PmtId.EndToEndId, _position]";
        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "PmtInf", "[PmtInfId] +1 -1 ~1 =0",
                "PmtInf.CdtTrfTxInf", "[PmtInf.PmtInfId, PmtId.EndToEndId] +2 -1 ~0 =1",
                "PmtInf.Dbtr.PstlAdr.AdrLine", "[PmtInf.PmtInfId, _position] +0 -0 ~0 =2",
                "PmtInf.CdtTrfTxInf.Cdtr.PstlAdr.AdrLine", transfer + " +0 -0 ~0 =2"));
        assertThat(keys(c, "PmtInf.CdtTrfTxInf", ChangeType.CHANGE_TYPE_ADDED))
                .containsExactlyInAnyOrder(List.of("salaries", "salary-01"), List.of("salaries", "salary-02"));
        assertThat(deltas(c, "PmtInf", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement().satisfies(d -> assertThat(
                d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("ReqdExctnDt"));
    }

    @Test
    void aPodcastAnEpisodeRemovedOneAddedOneMovedAndADurationChangedCountOnceEachByGuid() throws Exception {
        Comparison c = compare(DataXml.podcast(false), DataXml.podcast(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "_document.channel.itunes:category", "[] +0 -0 ~0 =3",
                "_document.channel.media:category", "[] +0 -0 ~0 =2",
                "item", "[guid] +1 -1 ~1 =4"));
        assertThat(keys(c, "item", ChangeType.CHANGE_TYPE_REMOVED)).containsExactly(List.of("1600-2812"));
        assertThat(deltas(c, "item", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement().satisfies(d -> {
            assertThat(d.getKeyList()).containsExactly("1600-2818");
            assertThat(d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("itunes:duration");
        });
    }

    @Test
    void anXbrlFilingAFactRemovedOneAddedAndOneRevisedCountOnceEachByTheirContext() throws Exception {
        Comparison c = compare(DataXml.xbrl(false), DataXml.xbrl(true));

        String facts = "[xbrli:xbrl.dei:EntityCentralIndexKey, @contextRef]";
        String ids = "[xbrli:xbrl.dei:EntityCentralIndexKey, @id]";
        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "xbrli:xbrl", "[dei:EntityCentralIndexKey] +0 -0 ~0 =1",
                "xbrli:xbrl.xbrli:context", ids + " +0 -0 ~0 =6",
                "xbrli:xbrl.xbrli:unit", ids + " +0 -0 ~0 =3",
                "xbrli:xbrl.us-gaap:CashAndCashEquivalentsAtCarryingValue", facts + " +0 -0 ~0 =3",
                "xbrli:xbrl.us-gaap:RestrictedCashAndCashEquivalents", facts + " +0 -1 ~0 =1",
                "xbrli:xbrl.us-gaap:AccountsReceivableNetCurrent", facts + " +1 -0 ~0 =2",
                "xbrli:xbrl.us-gaap:InventoryNet", facts + " +0 -0 ~1 =1",
                "xbrli:xbrl.us-gaap:PrepaidExpenseAndOtherAssetsCurrent", facts + " +0 -0 ~0 =2"));
        assertThat(keys(c, "xbrli:xbrl.us-gaap:AccountsReceivableNetCurrent", ChangeType.CHANGE_TYPE_ADDED))
                .containsExactly(List.of("0001158114", "AsOf2013-06-30"));
    }

    @Test
    void aPomADependencyAddedOneUpgradedAndAPluginRemovedCountOnceEachByGroupAndArtifact() throws Exception {
        Comparison c = compare(DataXml.maven(false), DataXml.maven(true));

        String coordinates = "project.groupId, project.artifactId";
        assertThat(outcome(c))
                .containsEntry("project", "[groupId, artifactId] +0 -0 ~0 =1")
                .containsEntry("project.dependencyManagement.dependencies.dependency",
                        "[" + coordinates + ", groupId, artifactId] +1 -0 ~1 =1")
                .containsEntry("project.build.plugins.plugin", "[" + coordinates + ", groupId, artifactId] +0 -1 ~0 =3")
                .containsEntry("project.build.pluginManagement.plugins.plugin",
                        "[" + coordinates + ", groupId, artifactId] +0 -0 ~0 =14");
        assertThat(keys(c, "project.dependencyManagement.dependencies.dependency", ChangeType.CHANGE_TYPE_ADDED))
                .containsExactly(List.of("com.google.code.gson", "gson-parent", "com.google.truth", "truth-java8-extension"));
    }

    @Test
    void anOnixBookListABookRemovedOneAddedAPriceChangedAndASecondContributorCountOnceEachByTheirReferences()
            throws Exception {
        Comparison c = compare(DataXml.onix(false), DataXml.onix(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "Product", "[RecordReference] +1 -1 ~1 =4",
                "Product.ProductIdentifier", "[Product.RecordReference, ProductIDType] +1 -2 ~0 =10",
                "Product.Contributor", "[Product.RecordReference, SequenceNumber] +2 -1 ~0 =5"));
        assertThat(keys(c, "Product.Contributor", ChangeType.CHANGE_TYPE_ADDED))
                .containsExactlyInAnyOrder(List.of("9780823016686", "2"), List.of("9780000000001", "1"));
        assertThat(deltas(c, "Product", ChangeType.CHANGE_TYPE_MODIFIED)).singleElement().satisfies(d -> assertThat(
                d.getChangesList()).extracting(ch -> ch.getColumn()).containsExactly("SupplyDetail.Price.PriceAmount"));
    }

    @Test
    void aTvGuideWithoutProgrammeKeysCountsAChangedProgrammeAsRemovedAndAddedAndAChannelsNewNameOnce()
            throws Exception {
        Comparison c = compare(DataXml.xmltv(false), DataXml.xmltv(true));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_document", "[] +0 -0 ~0 =1",
                "channel", "[@id] +0 -0 ~0 =5",
                "channel.display-name", "[channel@id, _position] +0 -0 ~1 =5",
                "programme", "[] +2 -2 ~0 =8",
                "programme.title", "[] +1 -1 ~0 =13",
                "programme.credits.actor", "[] +1 -1 ~0 =34"));
    }

    private static String orders(String... lines) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<orders>\n");
        for (int i = 0; i < lines.length; i++) {
            xml.append("  <order id=\"100").append(i + 1).append("\">\n    <status>open</status>\n")
                    .append("    <address>\n      <city>Berlin</city>\n    </address>\n").append(lines[i])
                    .append("  </order>\n");
        }
        return xml.append("</orders>\n").toString();
    }

    private static String line(int no, String sku) {
        return "    <line no=\"" + no + "\">\n      <sku>" + sku + "</sku>\n      <qty>1</qty>\n    </line>\n";
    }

    @Test
    void aLineAddedWhereEveryOrderOfTheFirstVersionHadOneIsOneAddedLineAndTheTablesKeepTheirShape() throws Exception {
        Comparison c = compare(
                Map.of("orders.xml", orders(line(1, "A"), line(1, "B"))),
                Map.of("orders.xml", orders(line(1, "A") + line(2, "N"), line(1, "B"))));

        assertThat(outcome(c)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "order", "[@id] +0 -0 ~0 =2",
                "order.line", "[order@id, @no] +1 -0 ~0 =2"));
        assertThat(keys(c, "order.line", ChangeType.CHANGE_TYPE_ADDED)).containsExactly(List.of("1001", "2"));
    }
}
