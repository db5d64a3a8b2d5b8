package io.ret.server.rag.openai;

import java.time.Duration;

import com.openai.client.OpenAIClient;
import com.openai.core.RequestOptions;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.ret.server.rag.chat.ChatModel;
import io.ret.server.rag.chat.ChatRequest;
import io.ret.server.rag.chat.ChatUsage;
import io.ret.server.rag.chat.PromptBuilder;
import io.ret.server.rag.chat.TokenListener;
import io.ret.server.rag.resilience.ModelUnavailableException;
import io.ret.server.rag.resilience.Resilience;

/**
 * Streamed chat completions (SSE) from an Azure OpenAI deployment or compatible server.
 * Opening the stream is retried under the policy; once tokens flow, a failure is not
 * retried (the listener already has part of an answer) and surfaces as
 * {@link ModelUnavailableException} after the tokens delivered so far.
 */
public final class OpenAiChatModel implements ChatModel {
    private final OpenAiEndpoint endpoint;
    private final OpenAIClient client;
    private final String deployment;
    private final double temperature;
    private final int maxAnswerTokens;
    private final PromptBuilder prompts;
    private final Resilience resilience;

    public OpenAiChatModel(OpenAiEndpoint endpoint, String deployment, double temperature, int maxAnswerTokens,
                           PromptBuilder prompts, Resilience.Policy policy) {
        this.endpoint = endpoint;
        this.client = endpoint.newClient();
        this.deployment = deployment;
        this.temperature = temperature;
        this.maxAnswerTokens = maxAnswerTokens;
        this.prompts = prompts;
        this.resilience = new Resilience("chat " + deployment, policy, OpenAiEndpoint::classify);
    }

    @Override
    public String name() {
        return "openai:" + deployment;
    }

    public Resilience resilience() {
        return resilience;
    }

    @Override
    public ChatUsage answer(ChatRequest request, TokenListener tokens) {
        var params = ChatCompletionCreateParams.builder()
                .model(deployment)
                .temperature(temperature)
                .maxCompletionTokens(maxAnswerTokens)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        for (PromptBuilder.Message m : prompts.build(request)) {
            switch (m.role()) {
                case SYSTEM -> params.addSystemMessage(m.content());
                case USER -> params.addUserMessage(m.content());
                case ASSISTANT -> params.addAssistantMessage(m.content());
            }
        }
        ChatCompletionCreateParams built = params.build();
        // the deadline covers the whole answer: the stream's request timeout is what is left of it
        StreamResponse<ChatCompletionChunk> stream = resilience.call((Duration timeout) -> client.chat().completions()
                .createStreaming(built, RequestOptions.builder().timeout(endpoint.timeout(timeout)).build()));
        String model = deployment;
        long promptTokens = 0;
        long completionTokens = 0;
        try (stream) {
            var chunks = stream.stream().iterator();
            while (chunks.hasNext()) {
                ChatCompletionChunk chunk = chunks.next();
                if (!chunk._model().isMissing()) {
                    model = chunk.model();
                }
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    choice.delta().content().filter(s -> !s.isEmpty()).ifPresent(tokens::onToken);
                }
                if (chunk.usage().isPresent()) {
                    promptTokens = chunk.usage().get().promptTokens();
                    completionTokens = chunk.usage().get().completionTokens();
                }
            }
        } catch (OpenAIException | java.io.UncheckedIOException e) {
            throw new ModelUnavailableException(name() + " stream broke: " + e.getMessage(), e);
        }
        return new ChatUsage(model, (int) promptTokens, (int) completionTokens, false);
    }

    @Override
    public void close() {
        client.close();
    }
}
