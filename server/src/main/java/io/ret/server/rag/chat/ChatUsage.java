package io.ret.server.rag.chat;

/**
 * @param extractive the answer quotes rows verbatim; no language model wrote it
 */
public record ChatUsage(String model, int promptTokens, int completionTokens, boolean extractive) {}
