package io.ret.server;

import java.time.Clock;
import java.util.List;

import io.ret.server.comparison.ComparisonJobHandler;
import io.ret.server.comparison.ComparisonSettings;
import io.ret.server.comparison.ComparisonStore;
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
public record Features(SessionSettings sessionSettings, SessionStore sessions, SessionStorage storage, RagModule rag,
                ComparisonStore comparisons, ComparisonSettings comparisonSettings) implements AutoCloseable {

    public static Features create(Platform platform) {
        SessionSettings settings = SessionSettings.from(platform.config());
        return new Features(settings, new SessionStore(platform.db()), new SessionStorage(settings.dir()),
                new RagModule(platform), new ComparisonStore(platform.db()), ComparisonSettings.from(platform.config()));
    }

    public List<JobHandler> jobHandlers(Clock clock) {
        return List.of(
                new ConversionJobHandler(sessions, storage, sessionSettings.limits(), sessionSettings.outputBudget(), clock),
                rag.jobHandler(sessions, storage, clock),
                new ComparisonJobHandler(comparisons, sessions, storage, comparisonSettings, clock));
    }

    @Override
    public void close() {
        rag.close();
    }
}
