package io.ret.server.rag;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

import io.ret.server.job.shard.Shard;
import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.EmbeddingModel;
import io.ret.server.rag.store.VectorStore;
import io.ret.server.rag.store.VectorStore.EmbeddedChunk;

/**
 * The indexing flow for one session's converted CSV files: make sure the collection
 * exists, remove the session's previous chunks, then chunk, embed and store each
 * file in batches. Memory stays at two batches. Re-running replaces, never duplicates.
 * Reports chunks stored and checks for cancellation between batches.
 *
 * <p>Throughput: the store writes batch n on its own thread while the model embeds
 * batch n+1, and the store makes the run durable once at the end ({@link VectorStore#flush}),
 * so indexing runs close to the bare model's speed (bench/rag-results.md).
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

    public record Result(int files, long rows, long chunks) {}

    /** How much work indexing these files is: rows read and chunks stored. */
    public record Plan(int files, long rows, long chunks) {}

    /** The same indexer with chunks of at most {@code maxChars} characters. */
    public SessionIndexer withMaxChars(int maxChars) {
        return new SessionIndexer(chunker.withMaxChars(maxChars), embeddings, store, batchSize);
    }

    /** What indexing these files would do (a cheap pass: parsing, no embedding). */
    public Plan plan(ChunkSource source, Path root, List<Path> files) {
        TableLayout layout = TableLayout.of(root);
        long rows = 0;
        long chunks = 0;
        for (Path relative : files) {
            String file = relative.toString().replace('\\', '/');
            try (Reader in = Files.newBufferedReader(root.resolve(relative), StandardCharsets.UTF_8)) {
                CsvChunker.Tally tally = chunker.tally(in, file, source, layout.hidden(file));
                rows += tally.rows();
                chunks += tally.chunks();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + relative + ": " + e.getMessage(), e);
            }
        }
        return new Plan(files.size(), rows, chunks);
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
        clear(source);
        return index(source, root, files, progress, ordinal -> true);
    }

    /** Makes sure the collection exists and removes the session's chunks from it: before the first shard. */
    public void clear(ChunkSource source) {
        store.ensureCollection(source.collection(), embeddings.dimensions());
        store.deleteSession(source.scope(), source.sessionId());
    }

    /**
     * Indexes only the chunks of one shard: the chunks numbered in file order, then chunk order
     * within a file (the order {@link #plan} counts), whose number the shard owns. The numbering
     * depends only on the files, so every pod agrees on it and a shard run again writes the same
     * chunks under the same ids. Call {@link #clear} once before the first shard.
     *
     * @return the chunks the shard stored (its rows count is the last row it reached, not its share)
     */
    public Result indexShard(ChunkSource source, Path root, List<Path> files, Progress progress, Shard shard)
            throws InterruptedException {
        return index(source, root, files, progress, shard::owns);
    }

    private Result index(ChunkSource source, Path root, List<Path> files, Progress progress, LongPredicate owned)
            throws InterruptedException {
        TableLayout layout = TableLayout.of(root);
        long chunks = 0;
        long rows = 0;
        long[] ordinal = {0};
        for (Path relative : files) {
            String file = relative.toString().replace('\\', '/');
            try (Reader in = Files.newBufferedReader(root.resolve(relative), StandardCharsets.UTF_8)) {
                long before = chunks;
                FileResult done = indexFile(source, file, in, layout.hidden(file),
                        stored -> progress.chunksStored(before + stored), progress::cancelled,
                        chunk -> owned.test(ordinal[0]++));
                chunks += done.chunks();
                rows += done.rows();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        store.flush();
        return new Result(files.size(), rows, chunks);
    }

    /**
     * Chunks, embeds and stores one CSV, for callers that stream files themselves (from a ZIP,
     * say): call {@link VectorStore#ensureCollection} and {@link VectorStore#deleteSession} first,
     * and {@link VectorStore#flush} after the last file.
     */
    public long indexFile(ChunkSource source, String file, Reader csv) throws InterruptedException {
        return indexFile(source, file, csv, Set.of(), stored -> { }, Thread::interrupted, chunk -> true).chunks();
    }

    private record FileResult(long rows, long chunks) {}

    /** @param owned whether a chunk is this run's to store (called once per chunk, in order) */
    private FileResult indexFile(ChunkSource source, String file, Reader csv, Set<String> hidden, LongConsumer progress,
                                 BooleanSupplier cancelled, Predicate<Chunk> owned) throws InterruptedException {
        try (var writes = new Writes(progress)) {
            List<Chunk> batch = new ArrayList<>(batchSize);
            long[] rows = {0};
            InterruptedException[] stop = {null};
            chunker.chunk(csv, file, source, hidden, chunk -> {
                if (stop[0] != null || !owned.test(chunk)) {
                    return;
                }
                batch.add(chunk);
                rows[0] = Math.max(rows[0], chunk.lastRow());
                if (batch.size() == batchSize) {
                    try {
                        writes.submit(embed(batch));
                    } catch (InterruptedException e) {
                        stop[0] = e;
                    }
                    batch.clear();
                    if (stop[0] == null && cancelled.getAsBoolean()) {
                        stop[0] = new InterruptedException("indexing of " + file + " cancelled");
                    }
                }
            });
            if (stop[0] != null) {
                throw stop[0];
            }
            if (!batch.isEmpty()) {
                writes.submit(embed(batch));
            }
            return new FileResult(rows[0], writes.finish());
        }
    }

    private List<EmbeddedChunk> embed(List<Chunk> batch) {
        List<float[]> vectors = embeddings.embed(batch.stream().map(Chunk::text).toList());
        List<EmbeddedChunk> embedded = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            embedded.add(new EmbeddedChunk(batch.get(i), vectors.get(i)));
        }
        return embedded;
    }

    /** Store writes, one at a time, overlapping the embedding of the next batch. */
    private final class Writes implements AutoCloseable {
        private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        private final LongConsumer progress;
        private CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);
        private long stored;

        Writes(LongConsumer progress) {
            this.progress = progress;
        }

        void submit(List<EmbeddedChunk> chunks) throws InterruptedException {
            await();
            pending = CompletableFuture.runAsync(() -> store.upsert(chunks), writer)
                    .thenRun(() -> progress.accept(stored += chunks.size()));
        }

        long finish() throws InterruptedException {
            await();
            return stored;
        }

        private void await() throws InterruptedException {
            try {
                pending.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            writer.close();
        }
    }
}
