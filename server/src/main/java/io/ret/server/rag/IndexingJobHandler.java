package io.ret.server.rag;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import io.ret.api.v1.IndexingSummary;
import io.ret.api.v1.JobResult;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.server.job.JobCancelledException;
import io.ret.server.job.JobContext;
import io.ret.server.job.JobHandler;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobType;
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
 */
public final class IndexingJobHandler implements JobHandler {
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
        RagEngine rag = this.rag.get();
        StartIndexingRequest request = StartIndexingRequest.parseFrom(job.params());
        CollectionRecord collection = collections.get(request.getCollectionId())
                .orElseThrow(() -> ApiException.failedPrecondition("COLLECTION_GONE", "the collection was deleted"));
        SessionRecord session = sessions.get(job.subjectId())
                .orElseThrow(() -> ApiException.failedPrecondition("SESSION_GONE", "the session was deleted"));
        ChunkSource source = new ChunkSource(collection.storeName(), collection.ownerId(), session.id());
        IndexingWork work = IndexingWork.of(rag, sessions, storage, session, source, request);
        long total = work.plan().chunks();
        SessionIndexer indexer = work.indexer();
        Path root = work.root();
        List<Path> files = work.files();
        context.progress(0, total, "indexing " + work.describe());
        long hitsBefore = cacheHits(rag);
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
            // the session's chunks are partly replaced: remove them, rather than leave half an index looking whole
            rag.store().deleteSession(source.scope(), session.id());
            collections.indexed(collection.id(), session.id(), 0, clock.instant());
            throw new JobCancelledException();
        }
        List<CollectionStore.IndexedSession> before = collections.sessions(collection.id()).stream()
                .filter(s -> s.sessionId().equals(session.id())).toList();
        collections.indexed(collection.id(), session.id(), result.chunks(), clock.instant());
        new SessionDictionaries(sessions, storage).index(session); // the values exact answers link questions to
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

    /** Embedding-cache hits so far (shared by concurrent jobs, so a job's count is approximate). */
    private static long cacheHits(RagEngine rag) {
        return rag.embeddings() instanceof CachedEmbeddingModel cached ? cached.stats().hits() : 0;
    }
}
