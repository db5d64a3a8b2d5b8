package io.ret.server.rag.chat;

import java.util.List;

import io.ret.server.rag.Chunk;

/**
 * @param context    passages in rank order; passage {@code n} (1-based) is cited as {@code [n]}
 * @param history    earlier turns of this conversation, oldest first
 * @param searchText what the context was retrieved with: the question, resolved through the
 *                   conversation when it refers back ({@link FollowUp}); the extractive answerer ranks rows by it
 */
public record ChatRequest(String question, List<Chunk> context, List<Turn> history, String searchText) {
    public ChatRequest {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("question is empty");
        }
        context = List.copyOf(context);
        history = List.copyOf(history);
        searchText = searchText == null || searchText.isBlank() ? question : searchText;
    }

    public ChatRequest(String question, List<Chunk> context, List<Turn> history) {
        this(question, context, history, question);
    }

    public record Turn(Role role, String text) {}

    public enum Role { USER, ASSISTANT }
}
