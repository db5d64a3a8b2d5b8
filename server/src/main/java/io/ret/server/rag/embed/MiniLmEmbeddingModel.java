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

/**
 * The default with no configuration: all-MiniLM-L6-v2 (quantized ONNX, 384 dimensions,
 * unit-length vectors) running in process from the jar. No network, no API key.
 *
 * <p>Its native parts write caches: DJL extracts the HuggingFace tokenizer library
 * to its cache dir (default {@code ~/.djl.ai}), ONNX Runtime extracts to
 * {@code java.io.tmpdir}. {@link #open(Path, int)} points DJL at the given directory
 * before the first class load, and turns off DJL's telemetry, which would otherwise
 * query the EC2 instance-metadata address on every start.
 */
public final class MiniLmEmbeddingModel implements EmbeddingModel {
    public static final String NAME = "all-minilm-l6-v2-q";
    public static final int DIMENSIONS = 384;

    private final ExecutorService executor;
    private final dev.langchain4j.model.embedding.EmbeddingModel model;

    private MiniLmEmbeddingModel(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "minilm-embed-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(executor);
    }

    /**
     * @param cacheDir where native libraries are unpacked (the server's runtime dir, or
     *                 the system temp dir); an operator's DJL_CACHE_DIR environment wins
     * @param threads  texts embedded in parallel
     */
    public static MiniLmEmbeddingModel open(Path cacheDir, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        prepareNativeCaches(cacheDir);
        return new MiniLmEmbeddingModel(threads);
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
        return NAME;
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
    public void close() {
        executor.shutdownNow();
    }
}
