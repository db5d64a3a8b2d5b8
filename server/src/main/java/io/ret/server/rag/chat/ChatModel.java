package io.ret.server.rag.chat;

/** Answers a question from numbered context passages, streaming the answer. Thread-safe. */
public interface ChatModel extends AutoCloseable {

    String name();

    /**
     * Streams the answer to {@code tokens} and returns the usage once it is complete.
     *
     * @throws io.ret.server.rag.resilience.ModelUnavailableException when the model cannot be reached
     *         (nothing was streamed), or the stream broke (the tokens before the break were delivered)
     */
    ChatUsage answer(ChatRequest request, TokenListener tokens);

    @Override
    default void close() {
    }
}
