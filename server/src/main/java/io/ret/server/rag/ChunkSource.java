package io.ret.server.rag;

/** Where chunks come from: a session's converted output, owned by one user, indexed into one collection. */
public record ChunkSource(String collection, String ownerId, String sessionId) {
    public ChunkSource {
        Scope.requireCollection(collection);
        Scope.requireId("ownerId", ownerId);
        Scope.requireId("sessionId", sessionId);
    }

    public Scope scope() {
        return new Scope(ownerId, collection);
    }
}
