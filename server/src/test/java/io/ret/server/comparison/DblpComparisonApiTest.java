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
import io.ret.api.v1.GetComparisonRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListDeltasRequest;
import io.ret.api.v1.RowDelta;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.testing.RealXml;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real DBLP excerpt (external DTD, names written as HTML entities) uploaded twice over the
 * real channel, the second time with one author's {@code &uuml;} changed to {@code &ouml;}:
 * both convert, and the comparison finds exactly that one author row modified, decoded.
 */
class DblpComparisonApiTest {

    private static TestServer server;
    private static SessionClient user;
    private static ComparisonServiceGrpc.ComparisonServiceBlockingStub comparisons;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = SessionClient.newUser(server, "dblp-differ");
        comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Session converted(String dblpXml, ConversionOptions options) {
        return user.uploadConverted("dblp.zip", Map.of("dblp.xml", dblpXml), options);
    }

    @Test
    void anAuthorsUmlautChangedFromUumlToOumlIsExactlyOneModifiedAuthorRow() throws Exception {
        String first = RealXml.resource("dblp/dblp.xml");
        String fuelop = "<author>Zolt&aacute;n F&uuml;l&ouml;p 0001</author>";
        assertThat(first).containsOnlyOnce(fuelop);
        String second = first.replace(fuelop, "<author>Zolt&aacute;n F&ouml;l&ouml;p 0001</author>");

        Session left = converted(first, ConversionOptions.getDefaultInstance());
        Session right = converted(second, ConversionOptions.newBuilder().setLayoutFromSessionId(left.getId()).build());
        Job job = comparisons.startComparison(StartComparisonRequest.newBuilder()
                .setLeftSessionId(left.getId()).setRightSessionId(right.getId())
                .setOptions(ComparisonOptions.getDefaultInstance()).build());
        Job done = user.await(job.getId());
        assertThat(done.getState()).as("comparison error %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Comparison c = comparisons.getComparison(GetComparisonRequest.newBuilder()
                .setComparisonId(done.getResultId()).build());

        Map<String, String> outcome = new TreeMap<>();
        for (FileComparison f : c.getFilesList()) {
            outcome.put(f.getPath(), f.getKeyColumnsList() + " +" + f.getRowsAdded() + " -" + f.getRowsRemoved() + " ~"
                    + f.getRowsModified() + " =" + f.getRowsUnchanged());
        }
        assertThat(outcome).containsExactlyInAnyOrderEntriesOf(Map.of(
                "article", "[@key] +0 -0 ~0 =10",
                "article.author", "[article@key, _position] +0 -0 ~1 =14"));
        List<RowDelta> modified = comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId())
                .setFile("article.author").setChangeType(ChangeType.CHANGE_TYPE_MODIFIED).setPageSize(100).build())
                .getDeltasList();
        assertThat(modified).singleElement().satisfies(d -> {
            assertThat(d.getKeyList()).containsExactly("journals/acta/BozapalidisFR12", "2");
            assertThat(d.getChangesList()).singleElement().satisfies(change -> {
                assertThat(change.getColumn()).isEqualTo("author");
                assertThat(List.of(change.getBefore(), change.getAfter()))
                        .containsExactly("Zoltán Fülöp 0001", "Zoltán Fölöp 0001");
            });
        });
    }
}
