package io.ret.server.rag;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.EmbeddingModel;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.VectorStore.EmbeddedChunk;

/**
 * The indexing flow for one session's converted CSV files: make sure the collection
 * exists, remove the session's previous chunks, then chunk, embed and store each
 * file in batches. Memory stays at one batch. Re-running replaces, never duplicates.
 * Checks the thread's interrupt flag between batches so a cancelled job stops.
 */
public final class SessionIndexer {
    private final CsvChunker chunker;
    private final EmbeddingModel embeddings;
    private final VectorStore store;
    private final int batchSize;

    public SessionIndexer(CsvChunker chunker, EmbeddingModel embeddings, VectorStore store, int batchSize) {
        this.chunker = chunker;
        this.embeddings = embeddings;
        this.store = store;
        this.batchSize = batchSize;
    }

    public record Result(int files, long chunks) {}

    /**
     * @param root  the session's output directory
     * @param files CSV paths relative to {@code root}, as cited to the user
     */
    public Result index(ChunkSource source, Path root, List<Path> files) throws InterruptedException {
        store.ensureCollection(source.collection(), embeddings.dimensions());
        store.deleteSession(source.scope(), source.sessionId());
        long chunks = 0;
        for (Path relative : files) {
            String file = relative.toString().replace('\\', '/');
            try (Reader in = Files.newBufferedReader(root.resolve(relative), StandardCharsets.UTF_8)) {
                chunks += indexFile(source, file, in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return new Result(files.size(), chunks);
    }

    /**
     * Chunks, embeds and stores one CSV, for callers that stream files themselves (from a ZIP,
     * say): call {@link VectorStore#ensureCollection} and {@link VectorStore#deleteSession} first.
     */
    public long indexFile(ChunkSource source, String file, Reader csv) throws InterruptedException {
        List<Chunk> batch = new ArrayList<>(batchSize);
        long[] stored = {0};
        InterruptedException[] interrupted = {null};
        chunker.chunk(csv, file, source, chunk -> {
            if (interrupted[0] != null) {
                return;
            }
            batch.add(chunk);
            if (batch.size() == batchSize) {
                stored[0] += flush(batch);
                if (Thread.interrupted()) {
                    interrupted[0] = new InterruptedException("indexing of " + file + " cancelled");
                }
            }
        });
        if (interrupted[0] != null) {
            throw interrupted[0];
        }
        stored[0] += flush(batch);
        return stored[0];
    }

    private int flush(List<Chunk> batch) {
        if (batch.isEmpty()) {
            return 0;
        }
        List<float[]> vectors = embeddings.embed(batch.stream().map(Chunk::text).toList());
        List<EmbeddedChunk> embedded = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            embedded.add(new EmbeddedChunk(batch.get(i), vectors.get(i)));
        }
        store.upsert(embedded);
        int n = batch.size();
        batch.clear();
        return n;
    }
}
