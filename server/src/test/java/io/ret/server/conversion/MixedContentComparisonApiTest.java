package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.ret.api.v1.ChangeType;
import io.ret.api.v1.Comparison;
import io.ret.api.v1.ComparisonOptions;
import io.ret.api.v1.ComparisonServiceGrpc;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.FileComparison;
import io.ret.api.v1.GetComparisonRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListDeltasRequest;
import io.ret.api.v1.RowDelta;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;

/**
 * Real PubMed articles uploaded, converted and compared over the real channel, the second version
 * differing in one italic gene name inside an abstract: the abstract is one cell, so the change is
 * exactly one modified row with exactly that column, not a row of an {@code AbstractText.i} table.
 */
class MixedContentComparisonApiTest {

    private static TestServer server;
    private static SessionClient user;
    private static ComparisonServiceGrpc.ComparisonServiceBlockingStub comparisons;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = SessionClient.newUser(server, "mixed-content-differ");
        comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Session converted(Map<String, String> files, ConversionOptions options) {
        return user.uploadConverted("pubmed.zip", files, options);
    }

    private static Map<String, String> pubmed(String conclusionsGene) throws Exception {
        String first = MixedContentRealDocumentsTest.resource("pubmed/pubmed4.xml");
        String conclusions = "genetic variants at the <i>TERT</i> gene region were associated";
        assertThat(first.indexOf(conclusions)).isPositive().isEqualTo(first.lastIndexOf(conclusions));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pubmed4.xml", first.replace(conclusions, conclusions.replace("TERT", conclusionsGene)));
        files.put("pubmed5.xml", MixedContentRealDocumentsTest.resource("pubmed/pubmed5.xml"));
        files.put("pubmed6.xml", MixedContentRealDocumentsTest.resource("pubmed/pubmed6.xml"));
        return files;
    }

    @Test
    void oneInlineWordChangedInAnAbstractIsOneModifiedRowWithOnlyTheAbstractTextColumn() throws Exception {
        Session before = converted(pubmed("TERT"), ConversionOptions.getDefaultInstance());
        Session after = converted(pubmed("TERC"), ConversionOptions.newBuilder().setLayoutFromSessionId(before.getId()).build());
        Job job = comparisons.startComparison(StartComparisonRequest.newBuilder().setLeftSessionId(before.getId())
                .setRightSessionId(after.getId()).setOptions(ComparisonOptions.getDefaultInstance()).build());
        Job done = user.await(job.getId());
        assertThat(done.getState()).as("comparison error %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Comparison c = comparisons.getComparison(GetComparisonRequest.newBuilder().setComparisonId(done.getResultId()).build());

        String abstracts = "PubmedArticle.MedlineCitation.Article.Abstract.AbstractText";
        assertThat(c.getFilesList()).extracting(FileComparison::getPath).contains(abstracts)
                .noneMatch(path -> path.startsWith(abstracts + "."));
        assertThat(c.getFilesList()).allSatisfy(f -> {
            assertThat(f.getRowsAdded()).as(f.getPath()).isZero();
            assertThat(f.getRowsRemoved()).as(f.getPath()).isZero();
            assertThat(f.getRowsModified()).as(f.getPath()).isEqualTo(f.getPath().equals(abstracts) ? 1 : 0);
        });
        List<RowDelta> modified = comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId())
                .setFile(abstracts).setChangeType(ChangeType.CHANGE_TYPE_MODIFIED).setPageSize(100).build()).getDeltasList();
        assertThat(modified).singleElement().satisfies(d -> {
            assertThat(d.getKeyList()).containsExactly("27797938", "4");
            assertThat(d.getChangesList()).singleElement().satisfies(change -> {
                assertThat(change.getColumn()).isEqualTo("AbstractText");
                assertThat(change.getBefore()).isEqualTo("Prediagnostic leucocyte telomere length and genetic variants"
                        + " at the TERT gene region were associated with risk of pancreatic cancer.");
                assertThat(change.getAfter()).isEqualTo("Prediagnostic leucocyte telomere length and genetic variants"
                        + " at the TERC gene region were associated with risk of pancreatic cancer.");
            });
        });
    }
}
