package io.ret.server.rag.store.milvus;

import java.time.Duration;
import java.util.Optional;

import io.ret.server.platform.config.Settings.Secret;

/**
 * How to reach Milvus and how long to wait. The SDK's defaults (no RPC deadline,
 * wait-for-ready, 75 retries) would hang for minutes on a dead server; these bound
 * every call to roughly {@code rpcDeadline x (maxRetries + 1)} plus backoff.
 *
 * @param uri               http(s)://host:19530
 * @param token             "user:password" or an API key; empty for an open server
 * @param collectionPrefix  put before each logical collection name ("ret_" + "docs")
 * @param keyword           BM25 full-text search: AUTO uses it when the server is 2.5 or newer
 */
public record MilvusSettings(String uri, Optional<Secret> token, Optional<String> database, String collectionPrefix,
                             Duration connectTimeout, Duration rpcDeadline, int maxRetries, Keyword keyword) {

    public enum Keyword { AUTO, BM25, NONE }

    public static MilvusSettings of(String uri) {
        return new MilvusSettings(uri, Optional.empty(), Optional.empty(), "ret_",
                Duration.ofSeconds(5), Duration.ofSeconds(10), 2, Keyword.AUTO);
    }

    public MilvusSettings withKeyword(Keyword k) {
        return new MilvusSettings(uri, token, database, collectionPrefix, connectTimeout, rpcDeadline, maxRetries, k);
    }
}
