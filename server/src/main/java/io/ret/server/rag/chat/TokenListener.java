package io.ret.server.rag.chat;

/** Receives answer text as it is produced, in order, on the calling thread. */
@FunctionalInterface
public interface TokenListener {
    void onToken(String text);
}
