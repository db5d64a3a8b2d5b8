package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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
import io.ret.api.v1.KeyColumns;
import io.ret.api.v1.OutputLayout;
import io.ret.api.v1.ListDeltasRequest;
import io.ret.api.v1.RowDelta;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two XML archives, uploaded, converted with the default (merged) layout and compared, all over
 * the real channel: rows pair by the natural keys the conversion's schema names (orders by
 * {@code @id}, lines by their order's id and position), never by row numbers, so each change
 * counts exactly once.
 */
class ConvertedComparisonApiTest {
    private static final String ORDERS = "order";
    private static final String LINES = "order.line";

    private static TestServer server;
    private static SessionClient user;
    private static ComparisonServiceGrpc.ComparisonServiceBlockingStub comparisons;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = SessionClient.newUser(server, "converted-differ");
        comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** An order: its id, status and line items as "sku:qty". */
    private record Order(String id, String status, List<String> lines) {
    }

    private static Order order(String id, String status, String... lines) {
        return new Order(id, status, List.of(lines));
    }

    /** A pretty-printed orders document. */
    private static String xml(Order... orders) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<orders>\n");
        for (Order o : orders) {
            xml.append("  <order id=\"").append(o.id()).append("\">\n    <status>").append(o.status())
                    .append("</status>\n");
            for (String line : o.lines()) {
                String[] item = line.split(":");
                xml.append("    <line>\n      <sku>").append(item[0]).append("</sku>\n      <qty>").append(item[1])
                        .append("</qty>\n    </line>\n");
            }
            xml.append("  </order>\n");
        }
        return xml.append("</orders>\n").toString();
    }

    private static Session converted(Map<String, String> files) throws Exception {
        return converted(files, ConversionOptions.getDefaultInstance());
    }

    private static Session converted(Map<String, String> files, ConversionOptions options) {
        return user.uploadConverted("orders.zip", files, options);
    }

    private static Comparison compare(Map<String, String> left, Map<String, String> right) throws Exception {
        Job job = comparisons.startComparison(StartComparisonRequest.newBuilder()
                .setLeftSessionId(converted(left).getId()).setRightSessionId(converted(right).getId())
                .setOptions(ComparisonOptions.getDefaultInstance()).build());
        Job done = user.await(job.getId());
        assertThat(done.getState()).as("comparison error %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Comparison c = comparisons.getComparison(GetComparisonRequest.newBuilder()
                .setComparisonId(done.getResultId()).build());
        assertThat(c.getFilesList()).extracting(FileComparison::getPath).containsExactly(ORDERS, LINES);
        assertThat(c.getFilesList()).allSatisfy(f -> {
            assertThat(f.getStatus()).isEqualTo(FileStatus.FILE_STATUS_MATCHED);
            assertThat(f.getWarningsList()).isEmpty();
            assertThat(f.getColumnChanges().getAddedList()).isEmpty();
            assertThat(f.getColumnChanges().getRemovedList()).isEmpty();
        });
        assertThat(table(c, ORDERS).getKeyColumnsList()).containsExactly("@id");
        assertThat(table(c, LINES).getKeyColumnsList()).containsExactly("order@id", "_position");
        return c;
    }

    private static FileComparison table(Comparison c, String name) {
        return c.getFilesList().stream().filter(f -> f.getPath().equals(name)).findFirst().orElseThrow();
    }

    /** added, removed, modified, unchanged */
    private static List<Long> counts(Comparison c, String name) {
        FileComparison f = table(c, name);
        return List.of(f.getRowsAdded(), f.getRowsRemoved(), f.getRowsModified(), f.getRowsUnchanged());
    }

    private static List<RowDelta> deltas(Comparison c, String table, ChangeType type) {
        return comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId()).setFile(table)
                .setChangeType(type).setPageSize(1000).build()).getDeltasList();
    }

    @Test
    void anOrderRemovedAndAnotherAddedMidFileIsOneRemovedAndOneAddedAndItsLinesAreRemoved() throws Exception {
        Comparison c = compare(
                Map.of("orders.xml", xml(order("1001", "open", "A:1"), order("1002", "open", "B:2", "C:3"),
                        order("1003", "shipped", "D:4"))),
                Map.of("orders.xml", xml(order("1001", "open", "A:1"), order("1004", "open", "E:5", "F:6"),
                        order("1003", "shipped", "D:4"))));
        assertThat(counts(c, ORDERS)).containsExactly(1L, 1L, 0L, 2L);
        assertThat(deltas(c, ORDERS, ChangeType.CHANGE_TYPE_REMOVED)).singleElement()
                .satisfies(d -> assertThat(d.getKeyList()).containsExactly("1002"));
        assertThat(deltas(c, ORDERS, ChangeType.CHANGE_TYPE_ADDED)).singleElement()
                .satisfies(d -> assertThat(d.getKeyList()).containsExactly("1004"));
        assertThat(counts(c, LINES)).containsExactly(2L, 2L, 0L, 2L);
        assertThat(deltas(c, LINES, ChangeType.CHANGE_TYPE_REMOVED)).extracting(d -> List.copyOf(d.getKeyList()))
                .containsExactlyInAnyOrder(List.of("1002", "1"), List.of("1002", "2"));
        assertThat(c.getSummary().getRowsModified()).isZero();
    }

    @Test
    void anOrderInsertedAtTheTopIsOneAddedAndNothingElse() throws Exception {
        Comparison c = compare(
                Map.of("orders.xml", xml(order("1001", "open", "A:1", "B:2"), order("1002", "open", "C:3"))),
                Map.of("orders.xml", xml(order("1000", "new", "Z:9"), order("1001", "open", "A:1", "B:2"),
                        order("1002", "open", "C:3"))));
        assertThat(counts(c, ORDERS)).containsExactly(1L, 0L, 0L, 2L);
        assertThat(counts(c, LINES)).containsExactly(1L, 0L, 0L, 3L);
        assertThat(List.of(c.getSummary().getRowsRemoved(), c.getSummary().getRowsModified())).containsExactly(0L, 0L);
    }

    @Test
    void aLineAddedToAnOrderThatHadOneIsOneAddedLineAndTheTablesKeepTheirShape() throws Exception {
        // in the first version every order of a.xml has one line; b.xml has an order with two
        String b = xml(order("2001", "open", "X:1", "Y:2"));
        Comparison c = compare(
                Map.of("a.xml", xml(order("1001", "open", "A:1"), order("1002", "open", "B:2")), "b.xml", b),
                Map.of("a.xml", xml(order("1001", "open", "A:1", "N:7"), order("1002", "open", "B:2")), "b.xml", b));
        assertThat(counts(c, ORDERS)).containsExactly(0L, 0L, 0L, 3L);
        assertThat(counts(c, LINES)).containsExactly(1L, 0L, 0L, 4L);
        assertThat(deltas(c, LINES, ChangeType.CHANGE_TYPE_ADDED)).singleElement()
                .satisfies(d -> assertThat(d.getKeyList()).containsExactly("1001", "2"));
    }

    @Test
    void theSameDataSplitIntoDifferentlyNamedFilesIsUnchanged() throws Exception {
        Order[] orders = {order("1001", "open", "A:1", "B:2"), order("1002", "open", "C:3"),
                order("1003", "paid", "D:4")};
        Comparison c = compare(
                Map.of("export-2024-01.xml", xml(orders)),
                Map.of("part-1.xml", xml(orders[0], orders[1]), "part-2.xml", xml(orders[2])));
        assertThat(counts(c, ORDERS)).containsExactly(0L, 0L, 0L, 3L);
        assertThat(counts(c, LINES)).containsExactly(0L, 0L, 0L, 4L);
        assertThat(c.getSummary().getAverageSimilarity()).isEqualTo(1.0);
    }

    @Test
    void perFileConversionsPairTablesBySourceFileAndDifferentLayoutsAreRefused() throws Exception {
        ConversionOptions perFile = ConversionOptions.newBuilder().setLayout(OutputLayout.OUTPUT_LAYOUT_PER_FILE).build();
        String b = xml(order("2001", "open", "X:1", "Y:2"));
        Session left = converted(Map.of("a.xml", xml(order("1001", "open", "A:1")), "b.xml", b), perFile);
        Session right = converted(Map.of("a.xml", xml(order("1001", "paid", "A:1")), "b.xml", b), perFile);
        Job job = comparisons.startComparison(StartComparisonRequest.newBuilder().setLeftSessionId(left.getId())
                .setRightSessionId(right.getId()).build());
        assertThat(user.await(job.getId()).getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Comparison c = comparisons.getComparison(GetComparisonRequest.newBuilder().setComparisonId(job.getId()).build());
        assertThat(c.getFilesList()).hasSize(4).allSatisfy(f -> {
            assertThat(f.getStatus()).isEqualTo(FileStatus.FILE_STATUS_MATCHED);
            assertThat(f.getKeyColumnsList()).isNotEmpty().doesNotContain("_id", "_parent_id", "_root_id");
        });
        assertThat(List.of(c.getSummary().getRowsAdded(), c.getSummary().getRowsRemoved(),
                c.getSummary().getRowsModified(), c.getSummary().getRowsUnchanged())).containsExactly(0L, 0L, 1L, 4L);
        RowDelta modified = comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId()).build())
                .getDeltasList().getFirst();
        assertThat(modified.getKeyList()).containsExactly("1001");
        assertThat(modified.getChangesList()).extracting(change -> change.getColumn()).containsExactly("status");

        Session merged = converted(Map.of("a.xml", xml(order("1001", "open", "A:1")), "b.xml", b));
        io.ret.server.auth.AuthFixtureAccess.refused(() -> comparisons.startComparison(StartComparisonRequest
                .newBuilder().setLeftSessionId(left.getId()).setRightSessionId(merged.getId()).build()),
                io.grpc.Status.Code.FAILED_PRECONDITION, "LAYOUTS_DIFFER");
        io.ret.server.auth.AuthFixtureAccess.refused(() -> comparisons.startComparison(StartComparisonRequest
                .newBuilder().setLeftSessionId(merged.getId()).setRightSessionId(merged.getId())
                .setOptions(ComparisonOptions.newBuilder().putTableKeys("/orders/nothing",
                        KeyColumns.newBuilder().addColumns("sku").build())).build()),
                io.grpc.Status.Code.INVALID_ARGUMENT, null);
    }

    @Test
    void anOrderWhoseStatusChangedIsOneModifiedRowWithExactlyThatColumn() throws Exception {
        Comparison c = compare(
                Map.of("orders.xml", xml(order("1001", "open", "A:1", "B:2"), order("1002", "open", "C:3"))),
                Map.of("orders.xml", xml(order("1001", "open", "A:1", "B:2"), order("1002", "shipped", "C:3"))));
        assertThat(counts(c, ORDERS)).containsExactly(0L, 0L, 1L, 1L);
        assertThat(counts(c, LINES)).containsExactly(0L, 0L, 0L, 3L);
        assertThat(deltas(c, ORDERS, ChangeType.CHANGE_TYPE_MODIFIED)).singleElement().satisfies(d -> {
            assertThat(d.getKeyList()).containsExactly("1002");
            assertThat(d.getChangesList()).singleElement().satisfies(change -> {
                assertThat(change.getColumn()).isEqualTo("status");
                assertThat(change.getBefore()).isEqualTo("open");
                assertThat(change.getAfter()).isEqualTo("shipped");
            });
        });
    }
}
