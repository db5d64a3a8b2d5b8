package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.ret.api.v1.ColumnRole;
import io.ret.api.v1.ColumnType;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.GetSchemaRequest;
import io.ret.api.v1.GetSchemaResponse;
import io.ret.api.v1.GetSessionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.KeyColumns;
import io.ret.api.v1.KeySource;
import io.ret.api.v1.ListOutputsRequest;
import io.ret.api.v1.OutputFile;
import io.ret.api.v1.Session;
import io.ret.api.v1.SessionState;
import io.ret.api.v1.TableLayout;
import io.ret.api.v1.TableSchema;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;

/**
 * Merged tables with natural keys, their schema through GetSchema, a layout kept from an
 * earlier session, and what a failed re-conversion leaves: all through the real channel.
 */
class ConvertedTablesApiTest {

    private static TestServer server;
    private static SessionClient user;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = SessionClient.newUser(server, "tables");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] export(String... orders) throws Exception {
        Map<String, Object> files = new LinkedHashMap<>();
        for (int i = 0; i < orders.length; i++) {
            files.put("export-" + i + ".xml", "<orders>\n  " + orders[i] + "\n</orders>\n");
        }
        return ZipBytes.zip(files);
    }

    private static GetSchemaResponse schema(String sessionId) {
        return user.sessions().getSchema(GetSchemaRequest.newBuilder().setSessionId(sessionId).build());
    }

    private static TableSchema table(GetSchemaResponse schema, String name) {
        return schema.getTablesList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aConversionIsMergedByDefaultAndItsSchemaNamesKeysRolesAndTypes() throws Exception {
        Session session = user.upload("jan.zip", export(
                "<order id=\"O-1\">\n    <total> 10.50 </total>\n    <line><qty>1</qty></line>\n  </order>",
                "<order id=\"O-2\">\n    <total>3</total>\n    <line><qty>2</qty></line><line><qty>5</qty></line>\n  </order>"));

        List<Job> seen = user.watch(user.startConversion(session.getId(), ConversionOptions.getDefaultInstance()).getId());
        Job done = seen.getLast();
        assertThat(done.getState()).as("error: %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getWorkDone()).isEqualTo(done.getWorkTotal());
        assertThat(seen).allSatisfy(j -> assertThat(j.getWorkDone()).isLessThanOrEqualTo(j.getWorkTotal()));
        assertThat(done.getResult().getConversion().getTables()).isEqualTo(2);

        List<OutputFile> outputs = user.sessions().listOutputs(ListOutputsRequest.newBuilder()
                .setSessionId(session.getId()).build()).getOutputsList();
        assertThat(outputs).extracting(OutputFile::getPath).containsExactly("order.csv", "order.line.csv");
        assertThat(new String(user.download(session.getId(), "order.line.csv"), StandardCharsets.UTF_8)).isEqualTo("""
                _id,_parent_id,_root_id,_file,_line,order@id,_position,qty\r
                1,1,1,export-0.xml,4,O-1,1,1\r
                2,2,2,export-1.xml,4,O-2,1,2\r
                3,2,2,export-1.xml,4,O-2,2,5\r
                """);

        GetSchemaResponse schema = schema(session.getId());
        assertThat(schema.getLayout()).isEqualTo(TableLayout.TABLE_LAYOUT_MERGED);
        assertThat(schema.getTotalTables()).isEqualTo(2);
        TableSchema order = table(schema, "order");
        assertThat(order.getRecordPath()).isEqualTo("/orders/order");
        assertThat(order.getPrimaryKeyList()).containsExactly("@id");
        assertThat(order.getKeySource()).isEqualTo(KeySource.KEY_SOURCE_DETECTED);
        assertThat(order.getRows()).isEqualTo(2);
        assertThat(order.getColumnsList()).extracting(c -> c.getName(), c -> c.getRole(), c -> c.getType())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("_id", ColumnRole.COLUMN_ROLE_SURROGATE, ColumnType.COLUMN_TYPE_INTEGER),
                        org.assertj.core.groups.Tuple.tuple("_file", ColumnRole.COLUMN_ROLE_PROVENANCE, ColumnType.COLUMN_TYPE_STRING),
                        org.assertj.core.groups.Tuple.tuple("_line", ColumnRole.COLUMN_ROLE_PROVENANCE, ColumnType.COLUMN_TYPE_INTEGER),
                        org.assertj.core.groups.Tuple.tuple("@id", ColumnRole.COLUMN_ROLE_DATA, ColumnType.COLUMN_TYPE_STRING),
                        org.assertj.core.groups.Tuple.tuple("total", ColumnRole.COLUMN_ROLE_DATA, ColumnType.COLUMN_TYPE_DECIMAL));
        TableSchema line = table(schema, "order.line");
        assertThat(line.getParent()).isEqualTo("order");
        assertThat(line.getParentKeyList()).containsExactly("order@id");
        assertThat(line.getPrimaryKeyList()).containsExactly("order@id", "_position");
        assertThat(line.getKeySource()).isEqualTo(KeySource.KEY_SOURCE_POSITION);

        GetSchemaResponse firstPage = user.sessions().getSchema(GetSchemaRequest.newBuilder()
                .setSessionId(session.getId()).setPageSize(1).build());
        assertThat(firstPage.getTablesList()).extracting(TableSchema::getName).containsExactly("order");
        GetSchemaResponse secondPage = user.sessions().getSchema(GetSchemaRequest.newBuilder()
                .setSessionId(session.getId()).setPageSize(1).setPageToken(firstPage.getNextPageToken()).build());
        assertThat(secondPage.getTablesList()).extracting(TableSchema::getName).containsExactly("order.line");
        assertThat(secondPage.getNextPageToken()).isEmpty();
    }

    @Test
    void aFailedReconversionLeavesTheEarlierOutputsListedAndTheSessionStale() throws Exception {
        Session session = user.upload("feb.zip", export("<order id=\"1\"><n>a</n></order><order id=\"2\"><n>b</n></order>"));
        Job first = user.await(user.startConversion(session.getId(), ConversionOptions.getDefaultInstance()).getId());
        assertThat(first.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);

        Job failed = user.await(user.startConversion(session.getId(), ConversionOptions.newBuilder()
                .putKeyColumns("order", KeyColumns.newBuilder().addColumns("no-such-column").build()).build()).getId());

        assertThat(failed.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(failed.getError().getReason()).isEqualTo("KEY_COLUMN_UNKNOWN");
        assertThat(failed.getError().getMessage()).contains("no-such-column");
        Session after = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build());
        assertThat(after.getState()).isEqualTo(SessionState.SESSION_STATE_STALE);
        assertThat(after.getConversionJobId()).isEqualTo(failed.getId());
        assertThat(after.getOutputsJobId()).isEqualTo(first.getId());
        assertThat(user.sessions().listOutputs(ListOutputsRequest.newBuilder().setSessionId(session.getId()).build())
                .getOutputsList()).extracting(OutputFile::getPath).containsExactly("order.csv");

        Job given = user.await(user.startConversion(session.getId(), ConversionOptions.newBuilder()
                .putKeyColumns("order", KeyColumns.newBuilder().addColumns("n").build()).build()).getId());
        assertThat(given.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Session converted = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build());
        assertThat(converted.getState()).isEqualTo(SessionState.SESSION_STATE_CONVERTED);
        assertThat(converted.getOutputsJobId()).isEqualTo(given.getId());
        assertThat(table(schema(session.getId()), "order").getKeySource()).isEqualTo(KeySource.KEY_SOURCE_GIVEN);
    }

    @Test
    void aGivenKeyMustBeNonEmptyAndUniqueAndAChildsKeyOnlyWithinItsParent() throws Exception {
        Session session = user.upload("given.zip", export(
                "<order id=\"1\"><n>a</n><line no=\"1\"><sku>X</sku></line><line no=\"2\"><sku>Y</sku></line></order>",
                "<order id=\"2\">\n    <n>a</n>\n    <line><sku>X</sku></line>\n  </order>"));

        Job repeated = user.await(user.startConversion(session.getId(), ConversionOptions.newBuilder()
                .putKeyColumns("order", KeyColumns.newBuilder().addColumns("n").build()).build()).getId());

        assertThat(repeated.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(repeated.getError().getReason()).isEqualTo("KEY_COLUMN_NOT_UNIQUE");
        assertThat(repeated.getError().getMessage()).isEqualTo("the key [n] given for table 'order' repeats 'a' in"
                + " export-1.xml line 2 (row 2 of the table); a given key must be non-empty in every row and unique"
                + " over the table");
        Session failed = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build());
        assertThat(failed.getState()).isEqualTo(SessionState.SESSION_STATE_FAILED);
        io.ret.server.auth.AuthFixtureAccess.refused(() -> user.sessions().listOutputs(ListOutputsRequest.newBuilder()
                .setSessionId(session.getId()).build()), io.grpc.Status.Code.FAILED_PRECONDITION, "NOT_CONVERTED");

        // sku X is in both orders, but once per order: a key of the lines, given by record path
        Job withinParent = user.await(user.startConversion(session.getId(), ConversionOptions.newBuilder()
                .putKeyColumns("/orders/order/line", KeyColumns.newBuilder().addColumns("sku").build()).build()).getId());

        assertThat(withinParent.getState()).as("error: %s", withinParent.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        TableSchema line = table(schema(session.getId()), "order.line");
        assertThat(line.getKeySource()).isEqualTo(KeySource.KEY_SOURCE_GIVEN);
        assertThat(line.getPrimaryKeyList()).containsExactly("order@id", "sku");

        Job empty = user.await(user.startConversion(session.getId(), ConversionOptions.newBuilder()
                .putKeyColumns("order.line", KeyColumns.newBuilder().addColumns("@no").build()).build()).getId());

        assertThat(empty.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(empty.getError().getReason()).isEqualTo("KEY_COLUMN_NOT_UNIQUE");
        assertThat(empty.getError().getMessage()).startsWith("the key [@no] given for table 'order.line' is empty"
                + " (column '@no') in export-1.xml line 4 (row 3 of the table)").endsWith("within its parent row");
        Session stale = user.sessions().getSession(GetSessionRequest.newBuilder().setSessionId(session.getId()).build());
        assertThat(stale.getState()).isEqualTo(SessionState.SESSION_STATE_STALE);
        assertThat(stale.getOutputsJobId()).isEqualTo(withinParent.getId());
    }

    @Test
    void nextMonthTakesThisMonthsLayoutAndReportsWhatChanged() throws Exception {
        Session january = user.upload("jan.zip", export(
                "<order id=\"1\"><status>new</status><fax>1</fax><line><qty>1</qty></line><line><qty>2</qty></line></order>"));
        assertThat(user.await(user.startConversion(january.getId(), ConversionOptions.getDefaultInstance()).getId())
                .getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        // February: no fax any more, a new email, and one line per order (on its own it would be inlined)
        Session february = user.upload("feb.zip", export(
                "<order id=\"1\"><status>paid</status><email>a@b</email><line><qty>1</qty></line></order>"));

        Job done = user.await(user.startConversion(february.getId(), ConversionOptions.newBuilder()
                .setLayoutFromSessionId(january.getId()).build()).getId());

        assertThat(done.getState()).as("error: %s", done.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        var summary = done.getResult().getConversion();
        assertThat(summary.getAddedColumnsList()).containsExactly("order: email");
        assertThat(summary.getVanishedColumnsList()).containsExactly("order: fax");
        assertThat(summary.getAddedTablesList()).isEmpty();
        assertThat(new String(user.download(february.getId(), "order.csv"), StandardCharsets.UTF_8))
                .startsWith("_id,_file,_line,@id,status,fax,email\r\n");
        assertThat(new String(user.download(february.getId(), "order.line.csv"), StandardCharsets.UTF_8))
                .startsWith("_id,_parent_id,_root_id,_file,_line,order@id,_position,qty\r\n");
    }
}
