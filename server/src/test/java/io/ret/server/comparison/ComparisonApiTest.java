package io.ret.server.comparison;

import static io.ret.server.auth.AuthFixtureAccess.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.ret.api.v1.ChangeType;
import io.ret.api.v1.Comparison;
import io.ret.api.v1.ComparisonOptions;
import io.ret.api.v1.ComparisonServiceGrpc;
import io.ret.api.v1.DataChunk;
import io.ret.api.v1.ExportDiffRequest;
import io.ret.api.v1.ExportFormat;
import io.ret.api.v1.FileComparison;
import io.ret.api.v1.FileStatus;
import io.ret.api.v1.GetComparisonRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListComparisonsRequest;
import io.ret.api.v1.ListDeltasRequest;
import io.ret.api.v1.RowDelta;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartComparisonRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comparisons through the real channel: exact deltas on crafted pairs, files
 * on one side only, bad input answered per file or with a status, paging,
 * exports, and agreement with daff on a generated 100k-row pair.
 */
class ComparisonApiTest {
    private static TestServer server;
    private static SessionClient user;
    private static ComparisonServiceGrpc.ComparisonServiceBlockingStub comparisons;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = SessionClient.newUser(server, "differ");
        comparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Session csv(Map<String, ?> files) throws Exception {
        return user.upload("csv.zip", ZipBytes.zip(new LinkedHashMap<>(files)));
    }

    /** Compares two CSV sets and returns the finished comparison. */
    private static Comparison compare(Map<String, ?> left, Map<String, ?> right, ComparisonOptions options) throws Exception {
        Job job = comparisons.startComparison(StartComparisonRequest.newBuilder()
                .setLeftSessionId(csv(left).getId()).setRightSessionId(csv(right).getId()).setOptions(options).build());
        Job done = user.await(job.getId());
        assertThat(done.getState()).as("error %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getResultId()).isEqualTo(job.getId());
        assertThat(done.getWorkUnit()).isEqualTo("rows");
        return comparisons.getComparison(GetComparisonRequest.newBuilder().setComparisonId(done.getResultId()).build());
    }

    private static List<RowDelta> deltas(Comparison c) {
        return comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId()).setPageSize(1000).build())
                .getDeltasList();
    }

    private static FileComparison file(Comparison c, String path) {
        return c.getFilesList().stream().filter(f -> f.getPath().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void keyedPairGivesExactDeltasAndSimilarity() throws Exception {
        Comparison c = compare(
                Map.of("items.csv", "id,name,qty\n1,apple,3\n2,pear,5\n3,plum,7\n4,fig,1\n"),
                Map.of("items.csv", "id,name,qty\n4,fig,1\n1,apple,4\n3,plum,7\n5,kiwi,2\n"),
                ComparisonOptions.newBuilder().addKeyColumns("id").build());
        FileComparison f = file(c, "items.csv");
        assertThat(f.getStatus()).isEqualTo(FileStatus.FILE_STATUS_MATCHED);
        assertThat(f.getKeyColumnsList()).containsExactly("id");
        assertThat(List.of(f.getRowsAdded(), f.getRowsRemoved(), f.getRowsModified(), f.getRowsUnchanged()))
                .containsExactly(1L, 1L, 1L, 2L);
        assertThat(f.getSimilarity()).isEqualTo(2.0 / 5);
        assertThat(c.getSummary().getAverageSimilarity()).isEqualTo(2.0 / 5);

        List<RowDelta> deltas = deltas(c);
        assertThat(deltas).hasSize(3);
        RowDelta modified = deltas.stream().filter(d -> d.getChangeType() == ChangeType.CHANGE_TYPE_MODIFIED)
                .findFirst().orElseThrow();
        assertThat(modified.getKeyList()).containsExactly("1");
        assertThat(modified.getChangesList()).singleElement().satisfies(change -> {
            assertThat(change.getColumn()).isEqualTo("qty");
            assertThat(change.getBefore()).isEqualTo("3");
            assertThat(change.getAfter()).isEqualTo("4");
        });
        assertThat(modified.getBeforeList()).containsExactly("1", "apple", "3");
        assertThat(modified.getAfterList()).containsExactly("1", "apple", "4");
        assertThat(modified.getLeftRow()).isEqualTo(1);
        assertThat(modified.getRightRow()).isEqualTo(2);
        assertThat(deltas).filteredOn(d -> d.getChangeType() == ChangeType.CHANGE_TYPE_REMOVED)
                .singleElement().satisfies(d -> assertThat(d.getBeforeList()).containsExactly("2", "pear", "5"));
        assertThat(deltas).filteredOn(d -> d.getChangeType() == ChangeType.CHANGE_TYPE_ADDED)
                .singleElement().satisfies(d -> {
                    assertThat(d.getAfterList()).containsExactly("5", "kiwi", "2");
                    assertThat(d.getLeftRow()).isZero();
                });
    }

    @Test
    void columnChangesAreReportedNotTreatedAsEveryRowChanging() throws Exception {
        Comparison c = compare(
                Map.of("t.csv", "id,a,b,gone\n1,x,y,z\n2,x,y,z\n"),
                Map.of("t.csv", "id,b,a,new\n1,y,x,n\n2,y,CHANGED,n\n"),
                ComparisonOptions.newBuilder().addKeyColumns("id").build());
        FileComparison f = file(c, "t.csv");
        assertThat(f.getColumnChanges().getAddedList()).containsExactly("new");
        assertThat(f.getColumnChanges().getRemovedList()).containsExactly("gone");
        assertThat(f.getColumnChanges().getReordered()).isTrue();
        assertThat(f.getRowsUnchanged()).isEqualTo(1);
        assertThat(f.getRowsModified()).isEqualTo(1);
        assertThat(deltas(c)).singleElement().satisfies(d -> assertThat(d.getChangesList()).singleElement()
                .satisfies(change -> assertThat(change.getColumn()).isEqualTo("a")));
    }

    @Test
    void keylessComparisonCountsDuplicatesAndOrderedModeAlignsRows() throws Exception {
        Comparison multiset = compare(Map.of("m.csv", "v\na\na\na\nb\n"), Map.of("m.csv", "v\nb\na\nc\n"),
                ComparisonOptions.newBuilder().setKeyless(true).build());
        FileComparison f = file(multiset, "m.csv");
        assertThat(f.getKeyColumnsList()).isEmpty();
        assertThat(List.of(f.getRowsAdded(), f.getRowsRemoved(), f.getRowsUnchanged())).containsExactly(1L, 2L, 2L);

        Comparison ordered = compare(Map.of("o.csv", "v\na\nb\nc\n"), Map.of("o.csv", "v\na\nx\nb\nc\n"),
                ComparisonOptions.newBuilder().setOrdered(true).build());
        assertThat(deltas(ordered)).singleElement().satisfies(d -> {
            assertThat(d.getChangeType()).isEqualTo(ChangeType.CHANGE_TYPE_ADDED);
            assertThat(d.getRightRow()).isEqualTo(2);
        });
    }

    @Test
    void normalisationAppliesToEqualityOnly() throws Exception {
        Comparison c = compare(
                Map.of("n.csv", "id,name,price,note\n1, Apple ,10.00,a\n2,Pear,5.0,b\n"),
                Map.of("n.csv", "id,name,price,note\n1,apple,10.004,zzz\n2,PEAR,5.2,b\n"),
                ComparisonOptions.newBuilder().addKeyColumns("id").setTrimWhitespace(true).setIgnoreCase(true)
                        .setNumericTolerance(0.01).addIgnoreColumns("note").build());
        FileComparison f = file(c, "n.csv");
        assertThat(f.getRowsUnchanged()).isEqualTo(1);
        assertThat(deltas(c)).singleElement().satisfies(d -> {
            assertThat(d.getKeyList()).containsExactly("2");
            assertThat(d.getChangesList()).singleElement().satisfies(change -> {
                assertThat(change.getColumn()).isEqualTo("price");
                assertThat(change.getBefore()).isEqualTo("5.0");
                assertThat(change.getAfter()).isEqualTo("5.2");
            });
        });
    }

    @Test
    void filesOnOneSideAndBadInputArePerFileResults() throws Exception {
        Map<String, Object> left = new LinkedHashMap<>();
        left.put("only-left.csv", "id\n1\n");
        left.put("ragged.csv", "id,a\n1,x\n2,y,EXTRA\n");
        left.put("nokey.csv", "id,a\n1,x\n");
        left.put("dup.csv", "id,a\n1,x\n1,y\n");
        left.put("semi.csv", "id;a\n1;x\n2;y\n");
        left.put("bom.csv", "\uFEFFid,a\n1,x\n");
        left.put("empty.csv", "");
        Map<String, Object> right = new LinkedHashMap<>();
        right.put("only-right.csv", "id\n9\n");
        right.put("ragged.csv", "id,a\n1,x\n2,y\n");
        right.put("nokey.csv", "other,a\n1,x\n");
        right.put("dup.csv", "id,a\n1,x\n1,z\n");
        right.put("semi.csv", "id;a\n1;x\n2;Y\n");
        right.put("bom.csv", utf16("id,a\n1,x\n"));
        right.put("empty.csv", "");
        Comparison c = compare(left, right, ComparisonOptions.newBuilder().addKeyColumns("id").build());

        assertThat(file(c, "only-left.csv").getStatus()).isEqualTo(FileStatus.FILE_STATUS_REMOVED);
        assertThat(file(c, "only-right.csv").getStatus()).isEqualTo(FileStatus.FILE_STATUS_ADDED);
        assertThat(file(c, "nokey.csv").getStatus()).isEqualTo(FileStatus.FILE_STATUS_FAILED);
        assertThat(file(c, "nokey.csv").getError()).contains("id");
        assertThat(file(c, "ragged.csv").getWarningsList()).isNotEmpty();
        assertThat(file(c, "dup.csv").getWarningsList()).anySatisfy(w -> assertThat(w).contains("occur on more than one row"));
        assertThat(file(c, "semi.csv").getStatus()).isEqualTo(FileStatus.FILE_STATUS_MATCHED);
        assertThat(file(c, "semi.csv").getRowsModified()).isEqualTo(1);
        assertThat(file(c, "bom.csv").getStatus()).isEqualTo(FileStatus.FILE_STATUS_MATCHED);
        assertThat(file(c, "bom.csv").getRowsUnchanged()).isEqualTo(1);
        assertThat(file(c, "empty.csv").getSimilarity()).isEqualTo(1.0);
        assertThat(c.getSummary().getFilesAdded()).isEqualTo(1);
        assertThat(c.getSummary().getFilesRemoved()).isEqualTo(1);
        assertThat(c.getSummary().getFilesFailed()).isPositive();
    }

    @Test
    void deltasPageAndFilterAndExportAsDaffAndJsonLines() throws Exception {
        StringBuilder l = new StringBuilder("id,v\n");
        StringBuilder r = new StringBuilder("id,v\n");
        for (int i = 0; i < 30; i++) {
            l.append(i).append(",a\n");
            r.append(i).append(i % 2 == 0 ? ",b\n" : ",a\n");
        }
        r.append("100,new\n");
        Comparison c = compare(Map.of("p.csv", l.toString(), "same.csv", "id\n1\n"),
                Map.of("p.csv", r.toString(), "same.csv", "id\n1\n"),
                ComparisonOptions.newBuilder().addKeyColumns("id").build());
        List<RowDelta> all = new ArrayList<>();
        String token = "";
        do {
            var page = comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId())
                    .setPageSize(7).setPageToken(token).build());
            all.addAll(page.getDeltasList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(all).hasSize(16);
        assertThat(comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId())
                .setChangeType(ChangeType.CHANGE_TYPE_ADDED).build()).getDeltasList())
                .singleElement().satisfies(d -> assertThat(d.getKeyList()).containsExactly("100"));
        refused(() -> comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId())
                .setFile("nope.csv").build()), Status.Code.INVALID_ARGUMENT, null);

        String daff = export(c, ExportFormat.EXPORT_FORMAT_DAFF, "p.csv");
        assertThat(daff.lines().findFirst()).hasValue("@@,id,v");
        assertThat(daff.lines().filter(line -> line.startsWith("->")).count()).isEqualTo(15);
        assertThat(daff).contains("->,0,a->b").contains("+++,100,new");
        String jsonl = export(c, ExportFormat.EXPORT_FORMAT_JSONL, "");
        assertThat(jsonl.lines().count()).isEqualTo(16);
        assertThat(jsonl.lines().findFirst().orElseThrow()).startsWith("{\"file\":\"p.csv\"");
    }

    @Test
    void aFileThatFailsIsNamedInListDeltasSummaryAndInBothExports() throws Exception {
        Comparison c = compare(
                Map.of("a.csv", "id,v\n1,x\n", "bad.csv", "id,v\n1,x\n", "nokey.csv", "v\n1\n"),
                Map.of("a.csv", "id,v\n1,y\n", "bad.csv", "other,v\n1,x\n", "nokey.csv", "v\n2\n"),
                ComparisonOptions.newBuilder().addKeyColumns("id").build());
        String error = "key column 'id' is missing on the right";
        assertThat(file(c, "bad.csv").getError()).isEqualTo(error);
        // a file with none of the key columns is compared on its own key, not failed
        FileComparison nokey = file(c, "nokey.csv");
        assertThat(nokey.getStatus()).isEqualTo(FileStatus.FILE_STATUS_MATCHED);
        assertThat(nokey.getWarningsList()).containsExactly("key column(s) [id] on neither side; its key is detected"
                + " instead");
        assertThat(List.of(nokey.getRowsAdded(), nokey.getRowsRemoved())).containsExactly(1L, 1L);

        var page = comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(c.getId()).build());
        assertThat(page.getDeltasCount()).isEqualTo(3);
        assertThat(page.getSummary().getFilesFailed()).isEqualTo(1);
        assertThat(page.getSummary().getFailedFilesList()).singleElement().satisfies(f -> {
            assertThat(f.getPath()).isEqualTo("bad.csv");
            assertThat(f.getError()).isEqualTo(error);
        });
        assertThat(c.getSummary().getFailedFilesList()).isEqualTo(page.getSummary().getFailedFilesList());

        assertThat(export(c, ExportFormat.EXPORT_FORMAT_DAFF, "")).startsWith("# a.csv\n@@,id,v\n->,1,x->y\n\n"
                + "# bad.csv\n# FAILED: " + error + "\n\n# nokey.csv\n@@,v\n").contains("---,1\n").contains("+++,2\n");
        assertThat(export(c, ExportFormat.EXPORT_FORMAT_DAFF, "bad.csv")).isEqualTo("# FAILED: " + error + "\n");
        assertThat(export(c, ExportFormat.EXPORT_FORMAT_JSONL, "").lines())
                .contains("{\"file\":\"bad.csv\",\"type\":\"FAILED\",\"error\":\"" + error + "\"}").hasSize(4);
    }

    @Test
    void tableKeysOverrideTheKeyPerFileAndMustNameAFile() throws Exception {
        Comparison c = compare(Map.of("t.csv", "id,code,v\n1,A,x\n2,B,y\n"), Map.of("t.csv", "id,code,v\n2,A,x\n1,B,y\n"),
                ComparisonOptions.newBuilder().putTableKeys("t.csv", io.ret.api.v1.KeyColumns.newBuilder()
                        .addColumns("code").build()).build());
        assertThat(file(c, "t.csv").getKeyColumnsList()).containsExactly("code");
        assertThat(file(c, "t.csv").getRowsModified()).isEqualTo(2);
        Session one = csv(Map.of("t.csv", "id\n1\n"));
        refused(() -> comparisons.startComparison(StartComparisonRequest.newBuilder().setLeftSessionId(one.getId())
                .setRightSessionId(one.getId()).setOptions(ComparisonOptions.newBuilder().putTableKeys("nope.csv",
                        io.ret.api.v1.KeyColumns.newBuilder().addColumns("id").build())).build()),
                Status.Code.INVALID_ARGUMENT, null);
        refused(() -> comparisons.startComparison(StartComparisonRequest.newBuilder().setLeftSessionId(one.getId())
                .setRightSessionId(one.getId()).setOptions(ComparisonOptions.newBuilder().setKeyless(true)
                        .putTableKeys("t.csv", io.ret.api.v1.KeyColumns.newBuilder().addColumns("id").build())).build()),
                Status.Code.INVALID_ARGUMENT, null);
    }

    private static String export(Comparison c, ExportFormat format, String file) {
        StringBuilder out = new StringBuilder();
        comparisons.exportDiff(ExportDiffRequest.newBuilder().setComparisonId(c.getId()).setFormat(format)
                .setFile(file).build()).forEachRemaining((DataChunk chunk) -> out.append(chunk.getData().toStringUtf8()));
        return out.toString();
    }

    @Test
    void comparisonsNeedConvertedSessionsOfTheCallerAndAreOwned() throws Exception {
        Session xml = user.upload("x.zip", ZipBytes.zip(Map.of("a.xml", "<a><b>1</b><b>2</b></a>")));
        Session converted = csv(Map.of("a.csv", "x\n1\n"));
        refused(() -> comparisons.startComparison(StartComparisonRequest.newBuilder().setLeftSessionId(xml.getId())
                .setRightSessionId(converted.getId()).build()), Status.Code.FAILED_PRECONDITION, "NOT_CONVERTED");
        refused(() -> comparisons.startComparison(StartComparisonRequest.newBuilder().setLeftSessionId(converted.getId())
                .setRightSessionId(converted.getId()).setOptions(ComparisonOptions.newBuilder()
                        .addKeyColumns("x").setOrdered(true)).build()), Status.Code.INVALID_ARGUMENT, null);

        SessionClient other = SessionClient.newUser(server, "other-differ");
        Session theirs = other.upload("t.zip", ZipBytes.zip(Map.of("a.csv", "x\n2\n")));
        refused(() -> comparisons.startComparison(StartComparisonRequest.newBuilder().setLeftSessionId(converted.getId())
                .setRightSessionId(theirs.getId()).build()), Status.Code.NOT_FOUND, null);

        Comparison mine = compare(Map.of("a.csv", "x\n1\n"), Map.of("a.csv", "x\n2\n"), ComparisonOptions.getDefaultInstance());
        var otherComparisons = TestServer.bearer(ComparisonServiceGrpc.newBlockingStub(server.channel()), other.token())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        refused(() -> otherComparisons.getComparison(GetComparisonRequest.newBuilder().setComparisonId(mine.getId())
                .build()), Status.Code.NOT_FOUND, null);
        assertThat(otherComparisons.listComparisons(ListComparisonsRequest.getDefaultInstance()).getComparisonsList())
                .isEmpty();
        assertThat(comparisons.listComparisons(ListComparisonsRequest.getDefaultInstance()).getComparisonsList())
                .extracting(Comparison::getId).contains(mine.getId());
    }

    @TempDir
    Path dir;

    @Test
    void countsAgreeWithDaffOnAHundredThousandRowPair() throws Exception {
        Path daff = DaffCrossCheckTest.findDaff();
        assumeTrue(daff != null, "daff not installed (npm install daff@1.4.2 in the repository root, or set RET_DAFF)");
        Path left = dir.resolve("left.csv");
        Path right = dir.resolve("right.csv");
        DaffCrossCheckTest.generate(left, right);
        Comparison c = compare(Map.of("t.csv", Files.readAllBytes(left)), Map.of("t.csv", Files.readAllBytes(right)),
                ComparisonOptions.newBuilder().addKeyColumns("id").build());
        var daffChanges = DaffCrossCheckTest.runDaff(daff, left, right, dir);
        FileComparison f = file(c, "t.csv");
        assertThat(List.of(f.getRowsAdded(), f.getRowsRemoved(), f.getRowsModified()))
                .containsExactly((long) daffChanges.added().size(), (long) daffChanges.removed().size(),
                        (long) daffChanges.modified().size());
    }

    @Test
    void cancellingARunningComparisonStopsItAndPublishesNothing() throws Exception {
        // two million rows a side: seconds of work, so the cancel lands while it runs
        Session left = csv(Map.of("big.csv", rows(2_000_000, 0)));
        Session right = csv(Map.of("big.csv", rows(2_000_000, 97)));
        Job job = comparisons.startComparison(StartComparisonRequest.newBuilder()
                .setLeftSessionId(left.getId()).setRightSessionId(right.getId())
                .setOptions(ComparisonOptions.newBuilder().addKeyColumns("id")).build());
        var jobs = user.jobs();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JobState state;
        while ((state = jobs.getJob(io.ret.api.v1.GetJobRequest.newBuilder().setJobId(job.getId()).build()).getState())
                != JobState.JOB_STATE_RUNNING) {
            assertThat(state).as("the comparison still waiting to run").isEqualTo(JobState.JOB_STATE_PENDING);
            assertThat(System.nanoTime()).as("the comparison started within 60 s").isLessThan(deadline);
            Thread.sleep(10);
        }
        jobs.cancelJob(io.ret.api.v1.CancelJobRequest.newBuilder().setJobId(job.getId()).build());

        Job end = user.await(job.getId());
        assertThat(end.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(end.getWorkDone()).isLessThan(4_000_000);
        refused(() -> comparisons.getComparison(GetComparisonRequest.newBuilder().setComparisonId(job.getId()).build()),
                Status.Code.FAILED_PRECONDITION, "COMPARISON_NOT_READY");
        refused(() -> comparisons.listDeltas(ListDeltasRequest.newBuilder().setComparisonId(job.getId()).build()),
                Status.Code.FAILED_PRECONDITION, "COMPARISON_NOT_READY");
    }

    /** {@code n} keyed rows; every {@code modifyEvery}-th value differs (0: none). */
    private static byte[] rows(int n, int modifyEvery) {
        StringBuilder text = new StringBuilder(n * 40).append("id,name,amount,city\n");
        java.util.Random random = new java.util.Random(n);
        for (int i = 0; i < n; i++) {
            long amount = random.nextInt(1_000_000);
            if (modifyEvery > 0 && i % modifyEvery == 0) {
                amount++;
            }
            text.append(i).append(",name ").append(random.nextInt(50_000)).append(',').append(amount)
                    .append(",city ").append(random.nextInt(300)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf16(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xFE;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }
}
