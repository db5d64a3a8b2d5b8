package io.ret.server.query;

import static io.ret.server.auth.AuthFixtureAccess.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListTablesRequest;
import io.ret.api.v1.QueryServiceGrpc;
import io.ret.api.v1.QueryTable;
import io.ret.api.v1.QueryValue;
import io.ret.api.v1.RunQueryRequest;
import io.ret.api.v1.RunQueryResponse;
import io.ret.api.v1.Session;
import io.ret.api.v1.ValueType;
import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.session.SessionSettings;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** QueryService through the real channel: results on converted sessions, and the sandbox's refusals. */
class QueryApiTest {
    private static final String[] CITIES = {"Oslo", "Berlin", "Lisbon", "Turin"};
    private static final String[] STATUSES = {"paid", "unpaid", "cancelled"};
    private static final int ORDERS = 60;

    private static TestServer server;
    private static SessionClient alice;
    private static SessionClient bob;
    private static Session converted;
    private static Session typed;

    static String city(int i) {
        return CITIES[i % CITIES.length];
    }

    static String status(int i) {
        return STATUSES[(i / 2) % STATUSES.length];
    }

    static String amount(int i) {
        return (i * 7 % 50) + "." + (i % 4 == 0 ? "25" : "50");
    }

    static String ordersXml() {
        StringBuilder xml = new StringBuilder("<orders>");
        for (int i = 1; i <= ORDERS; i++) {
            xml.append("<order><order_id>O-").append(1000 + i).append("</order_id><customer>Customer ").append(i % 9)
                    .append("</customer><city>").append(city(i)).append("</city><status>").append(status(i))
                    .append("</status><amount>").append(amount(i)).append("</amount></order>");
        }
        return xml.append("</orders>").toString();
    }

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder().set("ret.query.timeout", "PT4S").start();
        alice = SessionClient.newUser(server, "sql-alice");
        bob = SessionClient.newUser(server, "sql-bob");
        converted = alice.upload("orders.zip", ZipBytes.zip(Map.of("orders.xml", ordersXml())));
        var job = alice.await(alice.startConversion(converted.getId(), ConversionOptions.getDefaultInstance()).getId());
        assertThat(job.getState()).as("error %s", job.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        typed = alice.upload("typed.zip", ZipBytes.zip(Map.of(
                "order.csv", "order_id,city,amount,paid,_file\nA-1,Oslo,10.5,true,x.xml\nA-2,Oslo,,false,x.xml\nA-3,Bergen,4,true,x.xml\n",
                "order_line.csv", "order_id,position,qty\nA-1,1,2\nA-1,2,5\nA-3,1,7\n")));
        typedSchema().write(outputsDir(typed));
    }

    /** What the conversion writes beside its CSVs (the contract in conversion.schema). */
    static DataPackage typedSchema() {
        TableSchema order = new TableSchema("order", "order.csv", "", "/orders/order", "", List.of("order_id"), List.of(),
                KeySource.DETECTED, 3, List.of(ColumnSchema.data("order_id", ColumnType.STRING, 0),
                ColumnSchema.data("city", ColumnType.STRING, 0), ColumnSchema.data("amount", ColumnType.DECIMAL, 0),
                ColumnSchema.data("paid", ColumnType.BOOLEAN, 0),
                new ColumnSchema("_file", ColumnType.STRING, ColumnRole.PROVENANCE, 0)));
        TableSchema line = new TableSchema("order.line", "order_line.csv", "", "/orders/order/line", "order",
                List.of("order_id", "position"), List.of("order_id"), KeySource.POSITION, 3, List.of(
                ColumnSchema.data("order_id", ColumnType.STRING, 0),
                new ColumnSchema("position", ColumnType.INTEGER, ColumnRole.POSITION, 0),
                ColumnSchema.data("qty", ColumnType.INTEGER, 0)));
        return new DataPackage(Layout.MERGED, List.of(order, line));
    }

    static Path outputsDir(Session session) throws IOException {
        Path dir = SessionSettings.from(server.config()).dir().resolve(session.getId());
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().startsWith("outputs-")).findFirst().orElseThrow();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static QueryServiceGrpc.QueryServiceBlockingStub query(SessionClient user) {
        return TestServer.bearer(QueryServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static List<RunQueryResponse> run(SessionClient user, Session session, String sql) {
        return run(query(user), RunQueryRequest.newBuilder().setSessionId(session.getId()).setSql(sql).build());
    }

    private static List<RunQueryResponse> run(QueryServiceGrpc.QueryServiceBlockingStub stub, RunQueryRequest request) {
        List<RunQueryResponse> out = new ArrayList<>();
        stub.runQuery(request).forEachRemaining(out::add);
        return out;
    }

    private static List<List<QueryValue>> rows(List<RunQueryResponse> responses) {
        return responses.stream().filter(RunQueryResponse::hasRows).flatMap(r -> r.getRows().getRowsList().stream())
                .map(r -> r.getValuesList()).toList();
    }

    private static String ordersView() {
        return query(alice).listTables(ListTablesRequest.newBuilder().setSessionId(converted.getId()).build())
                .getTablesList().stream().filter(t -> t.getColumnsList().stream().anyMatch(c -> c.getName().equals("city")))
                .findFirst().orElseThrow().getName();
    }

    @Test
    void aGroupByOverAConvertedSessionGivesExactCountsAndSums() {
        Map<String, long[]> expected = new TreeMap<>();
        Map<String, Double> sums = new TreeMap<>();
        for (int i = 1; i <= ORDERS; i++) {
            expected.computeIfAbsent(city(i), c -> new long[1])[0]++;
            sums.merge(city(i), Double.parseDouble(amount(i)), Double::sum);
        }
        List<RunQueryResponse> result = run(alice, converted, "SELECT city, count(*) AS orders, sum(amount) AS total FROM "
                + ordersView() + " GROUP BY city ORDER BY city");
        assertThat(result.getFirst().getColumns().getColumnsList()).extracting(c -> c.getName())
                .containsExactly("city", "orders", "total");
        assertThat(result.getFirst().getColumns().getColumns(1).getType()).isEqualTo(ValueType.VALUE_TYPE_INTEGER);
        List<List<QueryValue>> rows = rows(result);
        assertThat(rows).extracting(r -> r.get(0).getStringValue()).containsExactlyElementsOf(expected.keySet());
        for (List<QueryValue> row : rows) {
            assertThat(row.get(1).getIntegerValue()).isEqualTo(expected.get(row.get(0).getStringValue())[0]);
            assertThat(row.get(2).getNumberValue()).isCloseTo(sums.get(row.get(0).getStringValue()),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(result.getLast().getSummary().getRows()).isEqualTo(CITIES.length);
        assertThat(result.getLast().getSummary().getTruncated()).isFalse();
    }

    @Test
    void resultsComeAsColumnsThenPagesOfRowsThenASummary() {
        List<RunQueryResponse> result = run(query(alice), RunQueryRequest.newBuilder().setSessionId(converted.getId())
                .setSql("WITH o AS (SELECT * FROM " + ordersView() + ") SELECT order_id FROM o ORDER BY order_id")
                .setPageRows(7).build());
        assertThat(result.getFirst().hasColumns()).isTrue();
        assertThat(result.getLast().hasSummary()).isTrue();
        List<RunQueryResponse> pages = result.subList(1, result.size() - 1);
        assertThat(pages).allSatisfy(p -> assertThat(p.getRows().getRowsCount()).isBetween(1, 7));
        assertThat(pages).hasSize((ORDERS + 6) / 7);
        assertThat(rows(result)).extracting(r -> r.getFirst().getStringValue()).first().isEqualTo("O-1001");
        assertThat(result.getLast().getSummary().getRows()).isEqualTo(ORDERS);
    }

    @Test
    void maxRowsCutsTheResultAndSaysSo() {
        List<RunQueryResponse> result = run(query(alice), RunQueryRequest.newBuilder().setSessionId(converted.getId())
                .setSql("SELECT * FROM " + ordersView()).setMaxRows(5).build());
        assertThat(rows(result)).hasSize(5);
        assertThat(result.getLast().getSummary().getTruncated()).isTrue();
    }

    @Test
    void tablesAreTypedAndKeyedFromTheConversionSchema() {
        List<QueryTable> tables = query(alice).listTables(ListTablesRequest.newBuilder().setSessionId(typed.getId()).build())
                .getTablesList();
        assertThat(tables).extracting(QueryTable::getName).containsExactly("order_", "order_line"); // order is reserved
        QueryTable line = tables.get(1);
        assertThat(line.getSchemaName()).isEqualTo("order.line");
        assertThat(line.getParent()).isEqualTo("order_");
        assertThat(line.getPrimaryKeyList()).containsExactly("order_id", "position");
        assertThat(line.getColumnsList()).extracting(c -> c.getType()).containsExactly(ValueType.VALUE_TYPE_STRING,
                ValueType.VALUE_TYPE_INTEGER, ValueType.VALUE_TYPE_INTEGER);

        List<RunQueryResponse> result = run(alice, typed, "SELECT o.order_id, o.amount, o.paid, sum(l.qty) AS qty"
                + " FROM order_ o LEFT JOIN order_line l USING (order_id) GROUP BY ALL ORDER BY o.order_id");
        assertThat(result.getFirst().getColumns().getColumnsList()).extracting(c -> c.getType()).containsExactly(
                ValueType.VALUE_TYPE_STRING, ValueType.VALUE_TYPE_NUMBER, ValueType.VALUE_TYPE_BOOLEAN,
                ValueType.VALUE_TYPE_INTEGER);
        List<List<QueryValue>> rows = rows(result);
        assertThat(rows.get(0).get(1).getNumberValue()).isEqualTo(10.5);
        assertThat(rows.get(0).get(3).getIntegerValue()).isEqualTo(7);
        assertThat(rows.get(1).get(1).hasNullValue()).as("an empty cell reads as NULL").isTrue();
        assertThat(rows.get(1).get(2).getBoolValue()).isFalse();
        assertThat(rows.get(2).get(3).getIntegerValue()).isEqualTo(7);
    }

    @Test
    void aValueThatDoesNotParseAsItsSchemaTypeFailsTheStatementsReadingItsColumnWithFileLineAndColumn() throws Exception {
        Session dirty = alice.upload("dirty.zip", ZipBytes.zip(Map.of(
                "order.csv", "order_id,city,amount,paid,_file\nA-1,Oslo,10.5,true,x.xml\nA-2,Oslo,oops,false,x.xml\n",
                "order_line.csv", "order_id,position,qty\nA-1,1,2\n")));
        typedSchema().write(outputsDir(dirty));

        StatusRuntimeException e = refused(() -> run(alice, dirty, "SELECT sum(amount) FROM order_"),
                Status.Code.FAILED_PRECONDITION, "SQL_BAD_VALUE");
        assertThat(e.getStatus().getDescription()).isEqualTo("order.csv line 3, column amount: \"oops\" is not a DOUBLE"
                + " as the table's schema says; statements that leave this column out still run");
        assertThat(rows(run(alice, dirty, "SELECT count(*) AS n, count(*) FILTER (WHERE paid) AS paid FROM order_"))
                .getFirst()).extracting(QueryValue::getIntegerValue).as("the other columns still read").containsExactly(2L, 1L);
    }

    @Test
    void aCsvArchiveWithoutSchemaIsQueriedWithSniffedTypes() throws Exception {
        Session csv = alice.upload("plain.zip", ZipBytes.zip(Map.of("data/people.csv", "name,age\nAda,36\nAlan,41\n")));
        List<RunQueryResponse> result = run(alice, csv, "SELECT sum(age) AS years FROM data_people");
        assertThat(rows(result).getFirst().getFirst().getIntegerValue()).isEqualTo(77);
        query(alice).listTables(ListTablesRequest.newBuilder().setSessionId(csv.getId()).build());
    }

    @Test
    void theSandboxRefusesEverythingButOneReadOnlyQueryAndWritesNothing() throws Exception {
        Path outputs = outputsDir(typed);
        Map<String, Long> before = files(outputs.getParent());
        String inside = outputs.resolve("stolen.csv").toString();
        assertRefused("SELECT * FROM read_csv('/etc/passwd')", Status.Code.PERMISSION_DENIED, "SQL_ACCESS_DENIED");
        assertRefused("SELECT * FROM read_text('" + outputsDir(converted) + "/orders.csv')", Status.Code.PERMISSION_DENIED,
                "SQL_ACCESS_DENIED");
        assertRefused("SELECT * FROM glob('/*')", Status.Code.PERMISSION_DENIED, "SQL_ACCESS_DENIED");
        for (String statement : List.of(
                "COPY (SELECT * FROM order_) TO '" + inside + "'",
                "COPY order_ TO '/tmp/ret-sql-escape.csv'",
                "ATTACH '" + outputs.resolve("x.duckdb") + "' AS x",
                "INSTALL httpfs",
                "LOAD httpfs",
                "PRAGMA version",
                "SET threads = 64",
                "SET enable_external_access = true",
                "CREATE TABLE t AS SELECT 1",
                "DROP VIEW order_",
                "SELECT 1; SELECT 2",
                "SELECT 1; COPY (SELECT 1) TO '" + inside + "'",
                "EXPORT DATABASE '" + outputs.resolve("dump") + "'")) {
            assertRefused(statement, Status.Code.INVALID_ARGUMENT, "SQL_NOT_READ_ONLY");
        }
        assertThat(files(outputs.getParent())).as("nothing written").isEqualTo(before);
        assertThat(Path.of("/tmp/ret-sql-escape.csv")).doesNotExist();
        assertThat(rows(run(alice, typed, "SELECT count(*) FROM order_")).getFirst().getFirst().getIntegerValue())
                .as("still answering after the refusals").isEqualTo(3);
    }

    @Test
    void aSyntaxErrorIsInvalidArgumentWithoutServerPaths() {
        StatusRuntimeException e = assertRefused("SELEC nonsense", Status.Code.INVALID_ARGUMENT, "SQL_INVALID");
        assertThat(e.getStatus().getDescription()).contains("syntax error");
        StatusRuntimeException missing = assertRefused("SELECT nope FROM order_", Status.Code.INVALID_ARGUMENT,
                "SQL_INVALID");
        assertThat(missing.getStatus().getDescription()).contains("nope").doesNotContain(server.config().runtimeDir().toString());
    }

    @Test
    void anotherUsersSessionIsNotFound() {
        refused(() -> run(bob, converted, "SELECT 1"), Status.Code.NOT_FOUND, "SESSION_NOT_FOUND");
        refused(() -> query(bob).listTables(ListTablesRequest.newBuilder().setSessionId(converted.getId()).build()),
                Status.Code.NOT_FOUND, "SESSION_NOT_FOUND");
    }

    @Test
    void theCallsDeadlineStopsALongStatementAndTheServerLimitStopsAnyOther() {
        String endless = "SELECT count(*) FROM range(100000000000) a, range(100) b WHERE a.range * b.range % 7 = 3";
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> run(query(alice).withDeadlineAfter(1, TimeUnit.SECONDS), RunQueryRequest.newBuilder()
                        .setSessionId(typed.getId()).setSql(endless).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        long started = System.nanoTime();
        refused(() -> run(alice, typed, endless), Status.Code.RESOURCE_EXHAUSTED, "SQL_CANCELLED");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("the 4 s server limit").isLessThan(20);
        assertThat(rows(run(alice, typed, "SELECT count(*) FROM order_line")).getFirst().getFirst().getIntegerValue())
                .isEqualTo(3);
    }

    private static StatusRuntimeException assertRefused(String sql, Status.Code code, String reason) {
        return refused(() -> run(alice, typed, sql), code, reason);
    }

    private static Map<String, Long> files(Path root) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".duckdb"))
                    .forEach(p -> files.put(root.relativize(p).toString(), p.toFile().length()));
        }
        return files;
    }
}
