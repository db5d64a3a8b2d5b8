package io.ret.server.rag;

import java.util.List;

import io.ret.api.v1.Citation;
import io.ret.api.v1.Collection;
import io.ret.server.platform.grpc.Protos;
import io.ret.server.rag.CollectionStore.CollectionRecord;
import io.ret.server.rag.chat.CitedRows;
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

    /** A citation of {@code rows} of the hit's chunk (the rows the answer quotes). */
    static Citation citation(int marker, RetrievedChunk hit, CitedRows.Rows rows, String recordKey) {
        Chunk c = hit.chunk();
        String text = rows.text();
        String snippet = text.length() <= SNIPPET_CHARS ? text : text.substring(0, SNIPPET_CHARS) + "…";
        return Citation.newBuilder()
                .setMarker(marker)
                .setSessionId(c.sessionId())
                .setFile(c.file())
                .setFirstRow(rows.firstRow())
                .setLastRow(rows.lastRow())
                .setSnippet(snippet)
                .setScore(hit.score())
                .setRecordKey(recordKey)
                .build();
    }
}
