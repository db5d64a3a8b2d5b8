package io.ret.server;

import java.time.Clock;
import java.util.List;

import io.ret.server.conversion.ConversionJobHandler;
import io.ret.server.job.JobHandler;
import io.ret.server.platform.Platform;
import io.ret.server.rag.RagModule;
import io.ret.server.session.SessionSettings;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;

/**
 * The feature pieces both the server and a worker pod need to run jobs: one
 * place that builds them, so a job runs the same code wherever it runs.
 */
record Features(SessionSettings sessionSettings, SessionStore sessions, SessionStorage storage, RagModule rag)
        implements AutoCloseable {

    static Features create(Platform platform) {
        SessionSettings settings = SessionSettings.from(platform.config());
        return new Features(settings, new SessionStore(platform.db()), new SessionStorage(settings.dir()),
                new RagModule(platform));
    }

    List<JobHandler> jobHandlers(Clock clock) {
        return List.of(
                new ConversionJobHandler(sessions, storage, sessionSettings.limits(), clock),
                rag.jobHandler(sessions, storage, clock));
    }

    @Override
    public void close() {
        rag.close();
    }
}
