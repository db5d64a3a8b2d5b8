package io.ret.server.rag;

import java.nio.file.Path;
import java.util.Optional;

import io.ret.server.platform.redis.Redis;
import io.ret.server.rag.chat.ChatModel;
import io.ret.server.rag.chat.ExtractiveChatModel;
import io.ret.server.rag.chat.PromptBuilder;
import io.ret.server.rag.chat.TracedChatModel;
import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.CachedEmbeddingModel;
import io.ret.server.rag.embed.EmbeddingModel;
import io.ret.server.rag.embed.OnnxEmbeddingModel;
import io.ret.server.rag.embed.TracedEmbeddingModel;
import io.ret.server.rag.openai.OpenAiChatModel;
import io.ret.server.rag.openai.OpenAiEmbeddingModel;
import io.ret.server.rag.retrieve.HybridRetriever;
import io.ret.server.rag.store.LuceneVectorStore;
import io.ret.server.rag.store.TracedVectorStore;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.milvus.MilvusVectorStore;

/**
 * The retrieval layer built from {@link RagConfig}: one per server, shared by the
 * RagService and the indexing job, closed at shutdown.
 */
public final class RagEngine implements AutoCloseable {
    private final EmbeddingModel embeddings;
    private final VectorStore store;
    private final ChatModel chat;
    private final HybridRetriever retriever;
    private final SessionIndexer indexer;
    private final String collection;

    private RagEngine(EmbeddingModel embeddings, VectorStore store, ChatModel chat, RagConfig config) {
        this.embeddings = embeddings;
        this.store = store;
        this.chat = chat;
        this.retriever = new HybridRetriever(embeddings, store, config.retrieval());
        this.indexer = new SessionIndexer(new CsvChunker(config.chunkMaxChars(), config.chunkMaxRows()), embeddings, store, config.embeddingBatch());
        this.collection = config.collectionFor(embeddings.name());
    }

    /**
     * @param runtimeDir the server's runtime dir (native model caches, the Lucene index by default)
     * @param redis      present: embeddings are cached there (unless disabled)
     */
    public static RagEngine open(RagConfig config, Path runtimeDir, Optional<Redis> redis) {
        EmbeddingModel embeddings = switch (config.embedding()) {
            case MINILM -> OnnxEmbeddingModel.open(OnnxEmbeddingModel.Kind.MINILM, runtimeDir.resolve("models"),
                    config.embeddingThreads());
            case BGE_SMALL -> OnnxEmbeddingModel.open(OnnxEmbeddingModel.Kind.BGE_SMALL, runtimeDir.resolve("models"),
                    config.embeddingThreads());
            case OPENAI -> new OpenAiEmbeddingModel(config.openai().orElseThrow(), config.embeddingDeployment(),
                    config.embeddingDimensions(), config.sendDimensions(), config.embeddingBatch(), config.policy());
        };
        embeddings = new TracedEmbeddingModel(embeddings);
        if (config.embeddingCache() && redis.isPresent()) {
            embeddings = new CachedEmbeddingModel(embeddings, redis.get().client(), config.embeddingCacheTtl());
        }
        VectorStore store = null;
        try {
            store = switch (config.store()) {
                case LUCENE -> LuceneVectorStore.open(config.luceneDir());
                case MILVUS -> MilvusVectorStore.connect(config.milvus().orElseThrow());
            };
            store = new TracedVectorStore(store, config.store().name().toLowerCase(java.util.Locale.ROOT));
            String collection = config.collectionFor(embeddings.name());
            store.ensureCollection(collection, embeddings.dimensions());
            ChatModel chat = switch (config.chat()) {
                case EXTRACTIVE -> new ExtractiveChatModel();
                case OPENAI -> new OpenAiChatModel(config.openai().orElseThrow(), config.chatDeployment(),
                        config.temperature(), config.maxAnswerTokens(),
                        new PromptBuilder(config.historyTurns(), config.historyChars()), config.policy());
            };
            return new RagEngine(embeddings, store, new TracedChatModel(chat), config);
        } catch (RuntimeException e) {
            embeddings.close();
            if (store != null) {
                store.close();
            }
            throw e;
        }
    }

    /** The collection all sessions are indexed into and searched in. */
    public String collection() {
        return collection;
    }

    public Scope scope(String ownerId) {
        return new Scope(ownerId, collection);
    }

    public ChunkSource source(String ownerId, String sessionId) {
        return new ChunkSource(collection, ownerId, sessionId);
    }

    public EmbeddingModel embeddings() {
        return embeddings;
    }

    public VectorStore store() {
        return store;
    }

    public ChatModel chat() {
        return chat;
    }

    public HybridRetriever retriever() {
        return retriever;
    }

    public SessionIndexer indexer() {
        return indexer;
    }

    @Override
    public void close() {
        chat.close();
        store.close();
        embeddings.close();
    }
}
