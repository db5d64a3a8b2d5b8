package io.ret.server.rag.embed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

/**
 * The bundled embedding models, quantized ONNX running in process from their Maven Central
 * jars (langchain4j-embeddings), 384 dimensions, unit-length vectors. No network, no API key.
 * {@link Kind#BGE_SMALL} (bge-small-en-v1.5) is the default: it beat all-MiniLM-L6-v2 on
 * the retrieval evaluation in bench/rag-results.md. BGE embeds a search query with its
 * instruction prefix ({@link #embedQuery}), as its authors recommend for short queries.
 *
 * <p>Its native parts write caches: DJL extracts the HuggingFace tokenizer library
 * to its cache dir (default {@code ~/.djl.ai}), ONNX Runtime extracts to
 * {@code java.io.tmpdir}. {@link #open(Path, int)} points DJL at the given directory
 * before the first class load, and turns off DJL's telemetry, which would otherwise
 * query the EC2 instance-metadata address on every start.
 */
public final class OnnxEmbeddingModel implements EmbeddingModel {
    public static final int DIMENSIONS = 384;

    /** Which bundled model; the name identifies its vector space (and so its collection). */
    public enum Kind {
        MINILM("all-minilm-l6-v2-q", ""),
        BGE_SMALL("bge-small-en-v1.5-q", "Represent this sentence for searching relevant passages: ");

        private final String modelName;
        private final String queryPrefix;

        Kind(String modelName, String queryPrefix) {
            this.modelName = modelName;
            this.queryPrefix = queryPrefix;
        }

        public String modelName() {
            return modelName;
        }
    }

    private final Kind kind;
    private final ExecutorService executor;
    private final dev.langchain4j.model.embedding.EmbeddingModel model;

    private OnnxEmbeddingModel(Kind kind, int threads) {
        this.kind = kind;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "onnx-embed-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.model = switch (kind) {
            case MINILM -> new AllMiniLmL6V2QuantizedEmbeddingModel(executor);
            case BGE_SMALL -> new BgeSmallEnV15QuantizedEmbeddingModel(executor);
        };
    }

    /**
     * @param cacheDir where native libraries are unpacked (the server's runtime dir, or
     *                 the system temp dir); an operator's DJL_CACHE_DIR environment wins
     * @param threads  texts embedded in parallel
     */
    public static OnnxEmbeddingModel open(Kind kind, Path cacheDir, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        prepareNativeCaches(cacheDir);
        return new OnnxEmbeddingModel(kind, threads);
    }

    /** all-MiniLM-L6-v2. */
    public static OnnxEmbeddingModel open(Path cacheDir, int threads) {
        return open(Kind.MINILM, cacheDir, threads);
    }

    /** Process-wide: the native libraries load once, so the first call's directory is the one used. */
    static synchronized void prepareNativeCaches(Path cacheDir) {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("DJL_CACHE_DIR") != null) {
            return;
        }
        Path djl = cacheDir.toAbsolutePath().resolve("djl");
        try {
            Files.createDirectories(djl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the model cache directory " + djl, e);
        }
        System.setProperty("DJL_CACHE_DIR", djl.toString());
        System.setProperty("ENGINE_CACHE_DIR", djl.toString());
    }

    @Override
    public String name() {
        return kind.modelName();
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        List<Embedding> embeddings = model.embedAll(segments).content();
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding e : embeddings) {
            vectors.add(e.vector());
        }
        return vectors;
    }

    @Override
    public float[] embedQuery(String query) {
        return embed(kind.queryPrefix + query);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
