package io.ret.server.rag.chat;

import java.util.List;

import io.ret.server.rag.Chunk;

/**
 * @param context passages in rank order; passage {@code n} (1-based) is cited as {@code [n]}
 * @param history earlier turns of this conversation, oldest first
 */
public record ChatRequest(String question, List<Chunk> context, List<Turn> history) {
    public ChatRequest {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("question is empty");
        }
        context = List.copyOf(context);
        history = List.copyOf(history);
    }

    public record Turn(Role role, String text) {}

    public enum Role { USER, ASSISTANT }
}
