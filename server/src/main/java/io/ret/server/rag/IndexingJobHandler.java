package io.ret.server.rag;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.ret.api.v1.IndexingSummary;
import io.ret.api.v1.JobResult;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.server.job.JobCancelledException;
import io.ret.server.job.JobContext;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobType;
import io.ret.server.job.shard.Shard;
import io.ret.server.job.shard.ShardedJobHandler;
import io.ret.server.platform.error.ApiException;
import io.ret.server.query.ask.SessionDictionaries;
import io.ret.server.rag.CollectionStore.CollectionRecord;
import io.ret.server.rag.embed.CachedEmbeddingModel;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;

/**
 * Indexes a session's CSV outputs into a collection: counts rows and chunks (a
 * cheap pass), then chunks, embeds (cache first) and stores them in batches,
 * reporting chunks done. The session's previous chunks in the collection are
 * replaced, never duplicated.
 *
 * <p>Split into shards ({@link ShardedJobHandler}, several worker pods at once): {@link #prepare}
 * removes the session's previous chunks once; each shard embeds and stores the chunks it owns
 * (upserts by deterministic chunk id, so a shard run again writes the same chunks, not more);
 * {@link #complete} records the count and builds the value dictionaries once, after the last shard.
 */
public final class IndexingJobHandler implements JobHandler, ShardedJobHandler {
    private static final Logger LOG = Logger.getLogger(IndexingJobHandler.class.getName());
    /** Platform threads: DuckDB's native calls would pin a virtual thread's carrier for seconds. */
    private static final Executor DICTIONARIES = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("value-dictionary-", 1).factory());
    private final Supplier<RagEngine> rag;
    private final CollectionStore collections;
    private final SessionStore sessions;
    private final SessionStorage storage;
    private final Clock clock;

    public IndexingJobHandler(Supplier<RagEngine> rag, CollectionStore collections, SessionStore sessions, SessionStorage storage,
                              Clock clock) {
        this.rag = rag;
        this.collections = collections;
        this.sessions = sessions;
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public JobType type() {
        return JobType.INDEXING;
    }

    @Override
    public Outcome run(JobRecord job, JobContext context) throws Exception {
        Target target = target(job);
        RagEngine rag = target.rag();
        CollectionRecord collection = target.collection();
        SessionRecord session = target.session();
        ChunkSource source = target.source();
        IndexingWork work = target.work();
        long total = work.plan().chunks();
        SessionIndexer indexer = work.indexer();
        Path root = work.root();
        List<Path> files = work.files();
        context.progress(0, total, "indexing " + work.describe());
        long hitsBefore = cacheHits(rag);
        long started = System.nanoTime();
        // the values exact answers link questions to: read from the CSVs beside the embedding, not after it
        CompletableFuture<Double> dictionary = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            new SessionDictionaries(sessions, storage).index(session);
            return (System.nanoTime() - t0) / 1e9;
        }, DICTIONARIES);
        SessionIndexer.Result result;
        try {
            result = indexer.index(source, root, files, new SessionIndexer.Progress() {
                @Override
                public void chunksStored(long stored) {
                    context.progress(stored, total, "indexing " + work.describe());
                }

                @Override
                public boolean cancelled() {
                    return context.cancelled();
                }
            });
        } catch (InterruptedException e) {
            dictionary.join();
            // the session's chunks are partly replaced: remove them, rather than leave half an index looking whole
            rag.store().deleteSession(source.scope(), session.id());
            collections.indexed(collection.id(), session.id(), 0, clock.instant());
            throw new JobCancelledException();
        }
        List<CollectionStore.IndexedSession> before = collections.sessions(collection.id()).stream()
                .filter(s -> s.sessionId().equals(session.id())).toList();
        collections.indexed(collection.id(), session.id(), result.chunks(), clock.instant());
        double stored = (System.nanoTime() - started) / 1e9;
        double dictionarySeconds = dictionary.join();
        double waited = (System.nanoTime() - started) / 1e9 - stored;
        LOG.info(() -> String.format(Locale.ROOT, "indexed session %s: %d chunks embedded and stored in %.2f s;"
                + " value dictionary built alongside in %.2f s, %.2f s waited for it", session.id(), result.chunks(),
                stored, dictionarySeconds, waited));
        IndexingSummary summary = IndexingSummary.newBuilder()
                .setFilesIndexed(result.files())
                .setRowsIndexed(result.rows())
                .setChunksIndexed(result.chunks())
                .setChunksCached(Math.max(0, Math.min(result.chunks(), cacheHits(rag) - hitsBefore)))
                .setChunksReplaced(before.isEmpty() ? 0 : before.getFirst().chunks())
                .setEmbeddingModel(rag.embeddings().name())
                .build();
        return new Outcome(JobResult.newBuilder().setIndexing(summary).build().toByteArray(), collection.id());
    }

    /** What one job works on, read from its row; every shard reads the same. */
    private record Target(RagEngine rag, CollectionRecord collection, SessionRecord session, IndexingWork work) {
        ChunkSource source() {
            return work.source();
        }
    }

    private Target target(JobRecord job) throws com.google.protobuf.InvalidProtocolBufferException {
        RagEngine rag = this.rag.get();
        StartIndexingRequest request = StartIndexingRequest.parseFrom(job.params());
        CollectionRecord collection = collections.get(request.getCollectionId())
                .orElseThrow(() -> ApiException.failedPrecondition("COLLECTION_GONE", "the collection was deleted"));
        SessionRecord session = sessions.get(job.subjectId())
                .orElseThrow(() -> ApiException.failedPrecondition("SESSION_GONE", "the session was deleted"));
        ChunkSource source = new ChunkSource(collection.storeName(), collection.ownerId(), session.id());
        return new Target(rag, collection, session, IndexingWork.of(rag, sessions, storage, session, source, request));
    }

    @Override
    public long prepare(JobRecord job) throws Exception {
        Target target = target(job);
        target.work().indexer().clear(target.source());
        return target.work().plan().chunks();
    }

    @Override
    public long runShard(JobRecord job, Shard shard, JobContext context) throws Exception {
        Target target = target(job);
        IndexingWork work = target.work();
        long total = work.plan().chunks();
        long owned = Math.max(0, (total - shard.index() + shard.count() - 1) / shard.count());
        String phase = "indexing " + work.describe();
        context.progress(0, owned, phase);
        try {
            return work.indexer().indexShard(target.source(), work.root(), work.files(), new SessionIndexer.Progress() {
                @Override
                public void chunksStored(long stored) {
                    context.progress(stored, owned, phase);
                }

                @Override
                public boolean cancelled() {
                    return context.cancelled();
                }
            }, shard).chunks();
        } catch (InterruptedException e) {
            throw new JobCancelledException();
        }
    }

    @Override
    public Outcome complete(JobRecord job, long chunks) throws Exception {
        Target target = target(job);
        RagEngine rag = target.rag();
        rag.store().flush();
        List<CollectionStore.IndexedSession> before = collections.sessions(target.collection().id()).stream()
                .filter(s -> s.sessionId().equals(target.session().id())).toList();
        collections.indexed(target.collection().id(), target.session().id(), chunks, clock.instant());
        new SessionDictionaries(sessions, storage).index(target.session());
        SessionIndexer.Plan plan = target.work().plan();
        IndexingSummary summary = IndexingSummary.newBuilder()
                .setFilesIndexed(plan.files())
                .setRowsIndexed(plan.rows())
                .setChunksIndexed(chunks)
                .setChunksReplaced(before.isEmpty() ? 0 : before.getFirst().chunks())
                .setEmbeddingModel(rag.embeddings().name())
                .build();
        return new Outcome(JobResult.newBuilder().setIndexing(summary).build().toByteArray(), target.collection().id());
    }

    @Override
    public void discard(JobRecord job) {
        try {
            Target target = target(job);
            target.rag().store().deleteSession(target.source().scope(), target.session().id());
            collections.indexed(target.collection().id(), target.session().id(), 0, clock.instant());
        } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException e) {
            LOG.warning("cannot remove the chunks of cancelled job " + job.id() + ": " + e.getMessage());
        }
    }

    /** Embedding-cache hits so far (shared by concurrent jobs, so a job's count is approximate). */
    private static long cacheHits(RagEngine rag) {
        return rag.embeddings() instanceof CachedEmbeddingModel cached ? cached.stats().hits() : 0;
    }
}
