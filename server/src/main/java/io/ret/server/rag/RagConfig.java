package io.ret.server.rag;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.Settings;
import io.ret.server.platform.config.Settings.Secret;
import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.openai.OpenAiEndpoint;
import io.ret.server.rag.resilience.Resilience;
import io.ret.server.rag.retrieve.HybridRetriever;
import io.ret.server.rag.retrieve.RetrievalMode;
import io.ret.server.rag.store.milvus.MilvusSettings;

/**
 * The {@code ret.rag.*} settings. Every key is optional: with none, chunks go into a
 * Lucene index under the runtime dir, MiniLM embeds in process, and answers are
 * extractive. Validation errors are one line naming the key.
 */
public record RagConfig(
        StoreKind store, Path luceneDir, Optional<MilvusSettings> milvus,
        EmbeddingKind embedding, int embeddingThreads, String embeddingDeployment, int embeddingDimensions,
        boolean sendDimensions, int embeddingBatch, boolean embeddingCache, Duration embeddingCacheTtl,
        ChatKind chat, String chatDeployment, double temperature, int maxAnswerTokens, int historyTurns, int historyChars,
        Optional<OpenAiEndpoint> openai, Resilience.Policy policy,
        int chunkMaxChars, int chunkMaxRows, Optional<String> collection, HybridRetriever.Settings retrieval) {

    public enum StoreKind { LUCENE, MILVUS }

    /** MINILM and BGE_SMALL run in process ({@link io.ret.server.rag.embed.OnnxEmbeddingModel}). */
    public enum EmbeddingKind { MINILM, BGE_SMALL, OPENAI }

    public enum ChatKind { EXTRACTIVE, OPENAI }

    public static RagConfig from(Settings s, Path runtimeDir) {
        var r = new Reader(s);
        StoreKind store = r.choice("ret.rag.store", StoreKind.LUCENE);
        Path luceneDir = r.optional("ret.rag.lucene.dir").map(Path::of).orElse(runtimeDir.resolve("rag-index"));
        Optional<MilvusSettings> milvus = Optional.empty();
        if (store == StoreKind.MILVUS) {
            String uri = s.string("ret.rag.milvus.uri");
            if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
                throw new ConfigException("ret.rag.milvus.uri", "must be an http(s):// URL such as http://milvus:19530");
            }
            milvus = Optional.of(new MilvusSettings(uri, s.secret("ret.rag.milvus.token"),
                    r.optional("ret.rag.milvus.database"), r.string("ret.rag.milvus.collection.prefix", "ret_"),
                    r.duration("ret.rag.milvus.connect.timeout", Duration.ofSeconds(5)),
                    r.duration("ret.rag.milvus.rpc.deadline", Duration.ofSeconds(10)),
                    r.integer("ret.rag.milvus.retries", 2, 0, 10),
                    r.choice("ret.rag.milvus.keyword", MilvusSettings.Keyword.AUTO)));
        }
        EmbeddingKind embedding = r.choice("ret.rag.embedding.provider", EmbeddingKind.BGE_SMALL);
        ChatKind chat = r.choice("ret.rag.chat.provider", ChatKind.EXTRACTIVE);
        Optional<OpenAiEndpoint> openai = Optional.empty();
        if (embedding == EmbeddingKind.OPENAI || chat == ChatKind.OPENAI) {
            String endpoint = s.string("ret.rag.openai.endpoint");
            Secret key = s.secret("ret.rag.openai.api.key")
                    .orElseThrow(() -> new ConfigException("ret.rag.openai.api.key", "is required"));
            try {
                openai = Optional.of(new OpenAiEndpoint(r.choice("ret.rag.openai.flavor", OpenAiEndpoint.Flavor.AZURE),
                        endpoint, key, r.string("ret.rag.openai.api.version", "2024-10-21"),
                        r.duration("ret.rag.openai.connect.timeout", Duration.ofSeconds(5)),
                        r.duration("ret.rag.openai.read.timeout", Duration.ofSeconds(30))));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("ret.rag.openai.endpoint", e.getMessage());
            }
        }
        var policy = new Resilience.Policy(
                r.integer("ret.rag.retry.attempts", 4, 1, 10),
                r.duration("ret.rag.retry.base", Duration.ofMillis(500)),
                r.duration("ret.rag.retry.max", Duration.ofSeconds(8)),
                r.duration("ret.rag.deadline", Duration.ofSeconds(60)),
                r.integer("ret.rag.breaker.failures", 5, 1, 1000),
                r.duration("ret.rag.breaker.cooldown", Duration.ofSeconds(30)));
        int topK = r.integer("ret.rag.retrieval.top.k", 5, 1, 50);
        var retrieval = new HybridRetriever.Settings(
                r.choice("ret.rag.retrieval.mode", RetrievalMode.HYBRID), topK,
                r.decimal("ret.rag.retrieval.min.similarity", 0.3, -1, 1),
                r.integer("ret.rag.retrieval.rrf.k", 60, 1, 1000),
                Math.max(topK, r.integer("ret.rag.retrieval.candidates", 20, 1, 500)));
        return new RagConfig(store, luceneDir, milvus,
                embedding, r.integer("ret.rag.embedding.threads", Runtime.getRuntime().availableProcessors(), 1, 64),
                embedding == EmbeddingKind.OPENAI ? s.string("ret.rag.embedding.deployment") : "",
                embedding == EmbeddingKind.OPENAI ? s.integer("ret.rag.embedding.dimensions", 1, 8192) : 384,
                r.bool("ret.rag.embedding.send.dimensions", false),
                r.integer("ret.rag.embedding.batch.size", 64, 1, 2048),
                r.bool("ret.rag.embedding.cache.enabled", true),
                r.duration("ret.rag.embedding.cache.ttl", Duration.ofDays(30)),
                chat, chat == ChatKind.OPENAI ? s.string("ret.rag.chat.deployment") : "",
                r.decimal("ret.rag.chat.temperature", 0.2, 0, 2),
                r.integer("ret.rag.chat.max.tokens", 800, 16, 32_000),
                r.integer("ret.rag.chat.history.turns", 6, 0, 100),
                r.integer("ret.rag.chat.history.chars", 4000, 0, 200_000),
                openai, policy,
                r.integer("ret.rag.chunk.max.chars", CsvChunker.DEFAULT_MAX_CHARS, 100, 100_000),
                r.integer("ret.rag.chunk.max.rows", CsvChunker.DEFAULT_MAX_ROWS, 1, 100_000),
                r.optional("ret.rag.collection").map(c -> {
                    try {
                        return Scope.requireCollection(c);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException("ret.rag.collection", e.getMessage());
                    }
                }),
                retrieval);
    }

    /** Reads with defaults for absent keys; present keys are validated by {@link Settings}. */
    private record Reader(Settings s) {
        Optional<String> optional(String key) {
            return s.optionalString(key);
        }

        String string(String key, String def) {
            return optional(key).orElse(def);
        }

        int integer(String key, int def, int min, int max) {
            return optional(key).isPresent() ? s.integer(key, min, max) : def;
        }

        boolean bool(String key, boolean def) {
            return optional(key).isPresent() ? s.bool(key) : def;
        }

        Duration duration(String key, Duration def) {
            return optional(key).isPresent() ? s.duration(key, Duration.ofMillis(1)) : def;
        }

        <E extends Enum<E>> E choice(String key, E def) {
            return optional(key).isPresent() ? s.choice(key, def.getDeclaringClass()) : def;
        }

        double decimal(String key, double def, double min, double max) {
            Optional<String> raw = optional(key);
            if (raw.isEmpty()) {
                return def;
            }
            try {
                double v = Double.parseDouble(raw.get());
                if (v < min || v > max) {
                    throw new ConfigException(key, "'" + raw.get() + "' is out of range " + min + ".." + max);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + raw.get() + "' is not a number");
            }
        }
    }

    /** The collection chunks go into: configured, or named after the embedding model so a model change never mixes vectors. */
    public String collectionFor(String embeddingModelName) {
        return collection.orElseGet(() -> {
            String name = ("chunks_" + embeddingModelName).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            return name.length() > 63 ? name.substring(0, 63) : name;
        });
    }
}
