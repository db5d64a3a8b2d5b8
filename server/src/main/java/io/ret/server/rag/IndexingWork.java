package io.ret.server.rag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.ret.api.v1.StartIndexingRequest;
import io.ret.server.platform.error.ApiException;
import io.ret.server.session.OutputRecord;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;

/**
 * What one indexing request covers: the session's output files it names (all by default),
 * the indexer for its chunk size, and how many rows and chunks that is, counted by a
 * parsing pass before any embedding, so the job can say how much work it is from the start.
 */
public record IndexingWork(ChunkSource source, Path root, List<Path> files, SessionIndexer indexer,
                           SessionIndexer.Plan plan) {

    public static IndexingWork of(RagEngine rag, SessionStore sessions, SessionStorage storage, SessionRecord session,
                                  ChunkSource source, StartIndexingRequest request) {
        if (!session.hasOutputs()) {
            throw ApiException.failedPrecondition("NOT_CONVERTED", "the session has no outputs to index");
        }
        Path root = storage.outputsDir(session);
        List<Path> files = files(sessions, session, request);
        SessionIndexer indexer = request.getOptions().getMaxChunkChars() > 0
                ? rag.indexer().withMaxChars(request.getOptions().getMaxChunkChars()) : rag.indexer();
        return new IndexingWork(source, root, files, indexer, indexer.plan(source, root, files));
    }

    /** "412 rows in 412 chunks from 2 files", as the job's phase says before it starts. */
    public String describe() {
        return plan.rows() + " rows in " + plan.chunks() + " chunks from " + plan.files() + (plan.files() == 1 ? " file" : " files");
    }

    private static List<Path> files(SessionStore sessions, SessionRecord session, StartIndexingRequest request) {
        List<OutputRecord> outputs = sessions.allOutputs(session.id());
        List<Path> files = new ArrayList<>();
        if (request.getOptions().getFilesCount() == 0) {
            outputs.forEach(o -> files.add(Path.of(o.path())));
            return files;
        }
        for (String wanted : request.getOptions().getFilesList()) {
            if (outputs.stream().noneMatch(o -> o.path().equals(wanted))) {
                throw ApiException.invalid("options.files", "'" + wanted + "' is not an output of the session");
            }
            files.add(Path.of(wanted));
        }
        return files;
    }
}
