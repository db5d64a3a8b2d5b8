package io.ret.server.rag;

import java.util.List;

import io.ret.api.v1.Citation;
import io.ret.api.v1.Collection;
import io.ret.server.platform.grpc.Protos;
import io.ret.server.rag.CollectionStore.CollectionRecord;
import io.ret.server.rag.retrieve.RetrievedChunk;

/** Collections, chunks and citations as ret.v1 messages. */
final class RagProtos {
    private static final int SNIPPET_CHARS = 300;

    private RagProtos() {
    }

    static Collection collection(CollectionRecord c, long chunks, List<CollectionStore.IndexedSession> sessions,
                                 List<String> grantees) {
        return Collection.newBuilder()
                .setId(c.id())
                .setOwnerId(c.ownerId())
                .setName(c.name())
                .setDescription(c.description())
                .setEmbeddingModel(c.embeddingModel())
                .setDimensions(c.dimensions())
                .setChunkCount(chunks)
                .addAllSessionIds(sessions.stream().map(CollectionStore.IndexedSession::sessionId).toList())
                .addAllGrantedUserIds(grantees)
                .setCreateTime(Protos.timestamp(c.createdAt()))
                .setUpdateTime(Protos.timestamp(c.updatedAt()))
                .build();
    }

    static io.ret.api.v1.Chunk chunk(Chunk c) {
        return io.ret.api.v1.Chunk.newBuilder()
                .setId(c.id())
                .setSessionId(c.sessionId())
                .setFile(c.file())
                .setFirstRow(c.firstRow())
                .setLastRow(c.lastRow())
                .setText(c.text())
                .build();
    }

    static Citation citation(int marker, RetrievedChunk hit) {
        Chunk c = hit.chunk();
        String snippet = c.text().length() <= SNIPPET_CHARS ? c.text() : c.text().substring(0, SNIPPET_CHARS) + "…";
        return Citation.newBuilder()
                .setMarker(marker)
                .setSessionId(c.sessionId())
                .setFile(c.file())
                .setFirstRow(c.firstRow())
                .setLastRow(c.lastRow())
                .setSnippet(snippet)
                .setScore(hit.score())
                .build();
    }
}
