package io.ret.server.rag;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import io.ret.server.job.Jobs;
import io.ret.server.platform.Platform;
import io.ret.server.query.ask.TabularAnswerer;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;
import io.ret.server.session.Sessions;

/**
 * Retrieval and chat, wired from the platform. The settings are checked at
 * start-up; the engine (model, index, connections) opens on first use, so a
 * server that never indexes pays nothing for it.
 */
public final class RagModule implements AutoCloseable {
    private final RagConfig config;
    private final Platform platform;
    private final CollectionStore collectionStore;
    private RagEngine engine;
    private boolean closed;

    public RagModule(Platform platform) {
        this.platform = platform;
        this.config = RagConfig.from(platform.config().settings(), platform.config().runtimeDir());
        this.collectionStore = new CollectionStore(platform.db());
    }

    /** The engine, opened on first call. */
    public synchronized RagEngine engine() {
        if (closed) {
            throw new IllegalStateException("the retrieval engine is closed");
        }
        if (engine == null) {
            engine = RagEngine.open(config, platform.config().runtimeDir(), Optional.of(platform.redis()));
        }
        return engine;
    }

    public IndexingJobHandler jobHandler(SessionStore sessions, SessionStorage storage, Clock clock) {
        return new IndexingJobHandler(this::engine, collectionStore, sessions, storage, clock);
    }

    /** @param tabular answers questions that need counting or sums with SQL, before retrieval is asked */
    public RagGrpcService grpcService(Collections.Users users, Sessions sessions, Jobs jobs, Clock clock,
                                      TabularAnswerer tabular) {
        Supplier<RagEngine> rag = this::engine;
        return new RagGrpcService(new Collections(collectionStore, rag, users, clock),
                new ConversationStore(platform.db()), rag, sessions, jobs, platform.shutdown(), clock, tabular);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (engine != null) {
            engine.close();
        }
    }
}
