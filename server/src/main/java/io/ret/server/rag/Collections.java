package io.ret.server.rag;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import io.ret.server.platform.Ids;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.db.DataAccessException;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.security.Principal;
import io.ret.server.rag.CollectionStore.CollectionRecord;

/**
 * Collections with ownership: the owner (and admins) manage a collection;
 * users it was granted to may search and chat over it; to anyone else it does
 * not exist. Searches run with the owner's scope, which the vector store
 * applies inside the query.
 */
public final class Collections {
    /** Whether a user id names an existing user (told to admins granting to one). */
    public interface Users {
        boolean exists(String userId);
    }

    private final CollectionStore store;
    private final Supplier<RagEngine> rag;
    private final Users users;
    private final Clock clock;

    public Collections(CollectionStore store, Supplier<RagEngine> rag, Users users, Clock clock) {
        this.store = store;
        this.rag = rag;
        this.users = users;
        this.clock = clock;
    }

    public CollectionStore store() {
        return store;
    }

    public CollectionRecord create(Principal owner, String name, String description) {
        String n = Validate.required("name", name, 128);
        String d = Validate.text("description", description, 1024, false);
        Instant now = clock.instant();
        CollectionRecord c = new CollectionRecord(Ids.newId(), owner.userId(), n, d, rag.get().embeddings().name(),
                rag.get().embeddings().dimensions(), now, now);
        rag.get().store().ensureCollection(c.storeName(), c.dimensions());
        try {
            store.insert(c);
        } catch (DataAccessException e) {
            if (e.isDuplicateKey()) {
                rag.get().store().dropCollection(c.storeName());
                throw ApiException.alreadyExists("COLLECTION_EXISTS", "you already have a collection named '" + n + "'");
            }
            throw e;
        }
        return store.get(c.id()).orElseThrow();
    }

    /** Owner, grantee or admin; anyone else gets NOT_FOUND. */
    public CollectionRecord readable(Principal principal, String id) {
        Validate.id("collection_id", id);
        return store.get(id)
                .filter(c -> principal.mayAccess(c.ownerId()) || store.granted(c.id(), principal.userId()))
                .orElseThrow(() -> ApiException.notFound("collection", id));
    }

    /** Owner or admin; a grantee gets PERMISSION_DENIED, anyone else NOT_FOUND. */
    public CollectionRecord owned(Principal principal, String id) {
        CollectionRecord c = readable(principal, id);
        if (!principal.mayAccess(c.ownerId())) {
            throw ApiException.permissionDenied("NOT_COLLECTION_OWNER", "only the owner of a collection may change it");
        }
        return c;
    }

    public List<CollectionRecord> list(Principal principal, String beforeId, int limit) {
        return store.visibleTo(principal.userId(), beforeId, limit);
    }

    public void delete(Principal principal, String id) {
        CollectionRecord c = owned(principal, id);
        rag.get().store().dropCollection(c.storeName());
        store.delete(c.id());
    }

    public CollectionRecord grant(Principal principal, String id, String userId) {
        CollectionRecord c = owned(principal, id);
        Validate.id("user_id", userId);
        // only admins, who may list users anyway, hear that an id is unknown; to others a grant
        // to an unknown id looks like any other (ids are random: it never reaches a later user)
        if (principal.isAdmin() && !users.exists(userId)) {
            throw ApiException.notFound("user", userId);
        }
        if (!userId.equals(c.ownerId())) {
            store.grant(c.id(), userId, clock.instant());
        }
        return c;
    }

    public CollectionRecord revoke(Principal principal, String id, String userId) {
        CollectionRecord c = owned(principal, id);
        if (!Validate.id("user_id", userId).equals(c.ownerId())) {
            store.revoke(c.id(), userId);
        }
        return c;
    }

    /**
     * Refuses a collection embedded by another model than the server's (the default model changed, say):
     * its vectors and the server's query vectors would not be comparable.
     */
    public CollectionRecord requireCurrentModel(CollectionRecord c) {
        String model = rag.get().embeddings().name();
        if (!model.equals(c.embeddingModel())) {
            throw ApiException.failedPrecondition("EMBEDDING_MODEL_CHANGED", "collection '" + c.name() + "' was embedded with "
                    + c.embeddingModel() + " but the server now uses " + model + "; create a new collection and index into it");
        }
        return c;
    }

    public Scope scope(CollectionRecord c) {
        return new Scope(c.ownerId(), c.storeName());
    }

    public long chunkCount(CollectionRecord c) {
        return rag.get().store().count(scope(c));
    }
}
