package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.ret.api.v1.ChatRequest;
import io.ret.api.v1.ChatResponse;
import io.ret.api.v1.Citation;
import io.ret.api.v1.Collection;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact answers with a chat model configured (Azure mode, against the loopback fake): the
 * model gets the table schemas and a run_sql tool, RET runs its SQL in the sandbox and
 * returns the result, and the answer carries the figure and the statement.
 */
class ModelSqlAnswersApiTest {
    private static FakeAzureOpenAi azure;
    private static TestServer server;
    private static RagServiceGrpc.RagServiceBlockingStub rag;
    private static Collection collection;

    @BeforeAll
    static void start() throws Exception {
        azure = new FakeAzureOpenAi(32);
        server = TestServer.builder()
                .set("ret.rag.chat.provider", "openai")
                .set("ret.rag.openai.endpoint", azure.endpoint())
                .set("ret.rag.openai.api.key", FakeAzureOpenAi.KEY)
                .set("ret.rag.chat.deployment", "gpt-4o-mini")
                .start();
        SessionClient alice = SessionClient.newUser(server, "tools-alice");
        rag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), alice.token())
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        Session session = alice.upload("orders.zip", ZipBytes.zip(Map.of("orders.csv", RagApiTest.orders())));
        collection = rag.createCollection(CreateCollectionRequest.newBuilder().setName("orders").build());
        Job job = alice.await(rag.startIndexing(StartIndexingRequest.newBuilder().setSessionId(session.getId())
                .setCollectionId(collection.getId()).build()).getId());
        assertThat(job.getState()).as("error %s", job.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    }

    @AfterAll
    static void stop() {
        server.close();
        azure.close();
    }

    private static List<ChatResponse> ask(String question) {
        List<ChatResponse> events = new ArrayList<>();
        rag.chat(ChatRequest.newBuilder().setCollectionId(collection.getId()).setQuestion(question).build())
                .forEachRemaining(events::add);
        return events;
    }

    private static String text(List<ChatResponse> events) {
        return events.stream().filter(ChatResponse::hasToken).map(ChatResponse::getToken).reduce("", String::concat);
    }

    /** The content of the last tool message the model was sent. */
    private static String lastToolResult(JsonNode body) {
        String result = "";
        for (JsonNode message : body.path("messages")) {
            if (message.path("role").asText().equals("tool")) {
                result = message.path("content").asText();
            }
        }
        return result;
    }

    @Test
    void theModelSeesTheSchemasCallsRunSqlAndAnswersWithTheFigureAndTheStatement() {
        // orders(): city Oslo when i % 5 == 2, status pending when i % 4 == 1: i = 17, 37, ..., 117; and ORD-2024-00121
        long expected = java.util.stream.IntStream.rangeClosed(1, 120).filter(i -> i % 5 == 2 && i % 4 == 1).count() + 1;
        String sql = "SELECT count(*) AS n FROM \"orders\" WHERE \"city\" = 'Oslo' AND \"status\" = 'pending'";
        azure.toolTurns.add(body -> FakeAzureOpenAi.toolCall("run_sql", "{\"sql\": \"" + sql.replace("\"", "\\\"") + "\"}"));
        azure.toolTurns.add(body -> FakeAzureOpenAi.text("There are " + lastToolResult(body).split("\n")[1]
                + " pending orders from Oslo [1]."));
        int before = azure.chatRequests.size();

        List<ChatResponse> events = ask("How many orders from Oslo are pending?");

        assertThat(text(events)).startsWith("There are " + expected + " pending orders from Oslo [1].").contains(sql);
        Citation statement = events.stream().filter(ChatResponse::hasCitation).map(ChatResponse::getCitation).findFirst()
                .orElseThrow();
        assertThat(statement.getMarker()).isEqualTo(1);
        assertThat(statement.getSql()).isEqualTo(sql);
        assertThat(statement.getFile()).isEqualTo("orders.csv");
        var usage = events.getLast().getUsage();
        assertThat(usage.getExact()).isTrue();
        assertThat(usage.getExtractive()).isFalse();
        assertThat(usage.getModel()).isEqualTo("gpt-4o-mini");

        JsonNode first = azure.chatRequests.get(before);
        assertThat(first.path("tools").get(0).path("function").path("name").asText()).isEqualTo("run_sql");
        String system = first.path("messages").get(0).path("content").asText();
        assertThat(system).contains("Table \"orders\"").contains("\"city\" VARCHAR").contains("'Oslo'")
                .contains("\"amount\" DOUBLE");
        assertThat(lastToolResult(azure.chatRequests.get(before + 1))).isEqualTo("n\n" + expected);
    }

    @Test
    void aStatementTheSandboxRefusesGoesBackToTheModelAsAnErrorAndNoSqlMeansRetrieval() {
        azure.toolTurns.add(body -> FakeAzureOpenAi.toolCall("run_sql", "{\"sql\": \"COPY orders TO '/tmp/x.csv'\"}"));
        azure.toolTurns.add(body -> FakeAzureOpenAi.text("I cannot run that."));
        int before = azure.chatRequests.size();

        List<ChatResponse> events = ask("How many orders were shipped to Porto in total?");

        assertThat(lastToolResult(azure.chatRequests.get(before + 1))).startsWith("error: sql: must be one read-only query");
        assertThat(events.getLast().getUsage().getExact()).isFalse();
        assertThat(text(events)).as("the streamed retrieval answer").isEqualTo(String.join("", azure.answerTokens));
    }
}
