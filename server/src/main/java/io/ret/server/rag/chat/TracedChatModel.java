package io.ret.server.rag.chat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.ret.server.platform.trace.Tracing;

/** A span per answer of the chat model, with its token usage (never the question or the answer). */
public final class TracedChatModel implements ChatModel {
    private final ChatModel model;

    public TracedChatModel(ChatModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public ChatUsage answer(ChatRequest request, TokenListener tokens) {
        if (!Tracing.on()) {
            return model.answer(request, tokens);
        }
        return Tracing.inSpan("chat " + model.name(), SpanKind.CLIENT, Attributes.builder()
                .put("gen_ai.operation.name", "chat")
                .put("gen_ai.request.model", model.name())
                .put("ret.chat.passages", request.context().size()).build(), () -> {
                    ChatUsage usage = model.answer(request, tokens);
                    Span.current().setAttribute("gen_ai.usage.input_tokens", usage.promptTokens());
                    Span.current().setAttribute("gen_ai.usage.output_tokens", usage.completionTokens());
                    return usage;
                });
    }

    @Override
    public void close() {
        model.close();
    }
}
