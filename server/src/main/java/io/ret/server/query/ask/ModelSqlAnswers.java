package io.ret.server.query.ask;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.RequestOptions;
import com.openai.errors.OpenAIException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.ret.server.platform.error.ApiException;
import io.ret.server.query.SqlSandbox;
import io.ret.server.query.SqlTable;
import io.ret.server.rag.openai.OpenAiEndpoint;

/**
 * Exact answers with a chat model: the model sees the collection's table schemas (names,
 * types, keys, a few sample values) and a {@code run_sql} tool; each call runs in the
 * sandbox over the collection's sessions and its result goes back to the model, which
 * then writes the answer. The answer carries the last statement that ran, as citation [1].
 * Only questions that ask for a figure or a filtered list (the planner's cue words) go
 * this way; the model may still decline SQL, and then retrieval answers.
 */
public final class ModelSqlAnswers implements TabularAnswerer, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelSqlAnswers.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 4;
    private static final int RESULT_ROWS = 50;
    static final String TOOL = "run_sql";

    private final ExactAnswers tables;
    private final SqlSandbox sandbox;
    private final OpenAIClient client;
    private final OpenAiEndpoint endpoint;
    private final String deployment;
    private final Duration timeout;

    public ModelSqlAnswers(ExactAnswers tables, SqlSandbox sandbox, OpenAiEndpoint endpoint, String deployment,
                           Duration timeout) {
        this.tables = tables;
        this.sandbox = sandbox;
        this.endpoint = endpoint;
        this.client = endpoint.newClient();
        this.deployment = deployment;
        this.timeout = timeout;
    }

    @Override
    public Outcome answer(List<String> sessionIds, String question) {
        if (!QuestionPlanner.asksForFigures(question)) {
            return new NotTabular();
        }
        List<ExactAnswers.Indexed> indexed = tables.indexed(sessionIds);
        if (indexed.isEmpty()) {
            return new NotTabular();
        }
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(deployment)
                .temperature(0).tools(List.of(tool())).addSystemMessage(SchemaPrompt.write(indexed)).addUserMessage(question);
        String lastSql = null;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                ChatCompletion completion = client.chat().completions().create(params.build(),
                        RequestOptions.builder().timeout(endpoint.timeout(timeout)).build());
                ChatCompletionMessage message = completion.choices().getFirst().message();
                List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElse(List.of());
                if (calls.isEmpty()) {
                    return lastSql == null ? new NotTabular() : answered(message.content().orElse(""), lastSql, indexed,
                            completion.model());
                }
                params.addMessage(message);
                for (ChatCompletionMessageToolCall call : calls) {
                    String sql = call.isFunction() ? sql(call.asFunction().function().arguments()) : "";
                    String result = run(indexed, sql);
                    if (!result.startsWith("error:")) {
                        lastSql = sql;
                    }
                    params.addMessage(ChatCompletionToolMessageParam.builder()
                            .toolCallId(call.isFunction() ? call.asFunction().id() : "")
                            .content(result).build());
                }
            }
        } catch (OpenAIException | java.io.UncheckedIOException e) {
            LOG.warning("the chat model failed during SQL tool calls: " + e.getMessage());
            return new Declined(ExactAnswers.declined("the chat model could not be asked"));
        }
        return new Declined(ExactAnswers.declined("the model's queries did not come to an answer"));
    }

    private Outcome answered(String text, String sql, List<ExactAnswers.Indexed> indexed, String model) {
        StringBuilder answer = new StringBuilder(text.strip());
        if (!answer.toString().contains("[1]")) {
            answer.append(" [1]");
        }
        if (!answer.toString().contains(sql)) {
            answer.append("\n\nComputed from the tables with this SQL:\n```sql\n").append(sql).append("\n```");
        }
        ExactAnswers.Indexed first = indexed.getFirst();
        String file = first.target().tables().stream().filter(t -> sql.contains(t.name())).map(SqlTable::file).findFirst()
                .orElse("");
        return new Answered(answer.toString(), List.of(new Source(1, first.session().id(), file, 0, sql, sql)),
                model.isEmpty() ? deployment : model);
    }

    private static String sql(String arguments) {
        try {
            JsonNode node = JSON.readTree(arguments);
            return node.path("sql").asText("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The statement's result as CSV (at most 50 rows), or the reason it was refused. */
    private String run(List<ExactAnswers.Indexed> indexed, String sql) {
        if (sql.isBlank()) {
            return "error: call run_sql with {\"sql\": \"SELECT ...\"}";
        }
        try {
            ExactAnswers.Result result = ExactAnswers.Result.of(sandbox, indexed.stream().map(ExactAnswers.Indexed::target)
                    .toList(), sql);
            StringJoiner csv = new StringJoiner("\n");
            csv.add(String.join(",", result.columns().stream().map(c -> c.name()).toList()));
            result.rows().stream().limit(RESULT_ROWS).forEach(row -> csv.add(String.join(",",
                    row.stream().map(ExactAnswers::figure).toList())));
            if (result.rows().size() > RESULT_ROWS || result.truncated()) {
                csv.add("(more rows not shown)");
            }
            return csv.toString();
        } catch (ApiException e) {
            return "error: " + e.getMessage();
        }
    }

    private static ChatCompletionTool tool() {
        return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name(TOOL)
                .description("Runs one read-only DuckDB SQL statement (SELECT or WITH) over the tables and returns"
                        + " the result as CSV (at most " + RESULT_ROWS + " rows).")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("sql", Map.of("type", "string",
                                "description", "the SQL statement"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("sql")))
                        .build())
                .build()).build());
    }

    @Override
    public void close() {
        client.close();
    }
}
