package io.ret.server.rag;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.EmbeddingModel;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.VectorStore.EmbeddedChunk;

/**
 * The indexing flow for one session's converted CSV files: make sure the collection
 * exists, remove the session's previous chunks, then chunk, embed and store each
 * file in batches. Memory stays at one batch. Re-running replaces, never duplicates.
 * Reports chunks stored and checks for cancellation between batches.
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

    /** The same indexer with chunks of at most {@code maxChars} characters. */
    public SessionIndexer withMaxChars(int maxChars) {
        return new SessionIndexer(new CsvChunker(maxChars), embeddings, store, batchSize);
    }

    /** How many chunks indexing these files would store (a cheap pass: no embedding). */
    public long count(ChunkSource source, Path root, List<Path> files) {
        long chunks = 0;
        for (Path relative : files) {
            try (Reader in = Files.newBufferedReader(root.resolve(relative), StandardCharsets.UTF_8)) {
                chunks += chunker.chunk(in, relative.toString().replace('\\', '/'), source, chunk -> { });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + relative + ": " + e.getMessage(), e);
            }
        }
        return chunks;
    }

    /** What an indexing run reports to its caller (a job), and how it learns to stop. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        /** {@code stored} chunks are in the store so far, in all files. */
        default void chunksStored(long stored) {
        }

        default boolean cancelled() {
            return false;
        }
    }

    /**
     * @param root  the session's output directory
     * @param files CSV paths relative to {@code root}, as cited to the user
     */
    public Result index(ChunkSource source, Path root, List<Path> files) throws InterruptedException {
        return index(source, root, files, Progress.NONE);
    }

    public Result index(ChunkSource source, Path root, List<Path> files, Progress progress) throws InterruptedException {
        store.ensureCollection(source.collection(), embeddings.dimensions());
        store.deleteSession(source.scope(), source.sessionId());
        long chunks = 0;
        for (Path relative : files) {
            String file = relative.toString().replace('\\', '/');
            try (Reader in = Files.newBufferedReader(root.resolve(relative), StandardCharsets.UTF_8)) {
                long before = chunks;
                chunks += indexFile(source, file, in, stored -> progress.chunksStored(before + stored), progress::cancelled);
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
        return indexFile(source, file, csv, stored -> { }, Thread::interrupted);
    }

    private long indexFile(ChunkSource source, String file, Reader csv, LongConsumer progress,
                           BooleanSupplier cancelled) throws InterruptedException {
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
                progress.accept(stored[0]);
                if (cancelled.getAsBoolean()) {
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
