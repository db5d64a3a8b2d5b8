package io.ret.server.rag.retrieve;

public enum RetrievalMode { HYBRID, DENSE, KEYWORD }
