package io.ret.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.grpc.BindableService;
import io.grpc.protobuf.services.HealthStatusManager;
import io.ret.server.platform.Engines;
import io.ret.server.platform.Platform;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.events.OpsLog;
import io.ret.server.platform.grpc.GrpcServer;
import io.ret.server.platform.observe.HealthMonitor;
import io.ret.server.platform.observe.ObserveServer;
import io.ret.server.platform.observe.ServerMetrics;
import io.ret.server.platform.redis.RateLimiter;
import io.ret.server.platform.trace.TracingSdk;
import io.ret.server.platform.trace.TracingSettings;
import io.ret.server.admin.AccountAdministration;
import io.ret.server.admin.AdminGrpcService;
import io.ret.server.auth.AuthModule;
import io.ret.server.comparison.ComparisonGrpcService;
import io.ret.server.conversion.ConversionGrpcService;
import io.ret.server.job.JobModule;
import io.ret.server.query.Queries;
import io.ret.server.query.QueryGrpcService;
import io.ret.server.query.QuerySettings;
import io.ret.server.query.SqlSandbox;
import io.ret.server.query.ask.TabularAnswerers;
import io.ret.server.session.SessionGrpcService;
import io.ret.server.session.Sessions;

/**
 * The composition root: engines, platform, features, gRPC and observe
 * endpoints, started in order and stopped in reverse.
 */
public final class RetServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RetServer.class.getName());

    private final Engines engines;
    private final Platform platform;
    private final HealthMonitor healthMonitor;
    private final GrpcServer grpc;
    private final ObserveServer observe;
    private final int observePort;
    private final List<AutoCloseable> closeables;
    private volatile boolean closed;

    private RetServer(Engines engines, Platform platform, HealthMonitor healthMonitor, GrpcServer grpc,
                      ObserveServer observe, int observePort, List<AutoCloseable> closeables) {
        this.closeables = closeables;
        this.engines = engines;
        this.platform = platform;
        this.healthMonitor = healthMonitor;
        this.grpc = grpc;
        this.observe = observe;
        this.observePort = observePort;
    }

    public static RetServer start(RetConfig config) {
        return start(config, platform -> List.of());
    }

    /** @param extraServices registered beside RET's own (tests use this for probe services) */
    public static RetServer start(RetConfig config, Function<Platform, List<BindableService>> extraServices) {
        try {
            Files.createDirectories(config.runtimeDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create runtime directory " + config.runtimeDir(), e);
        }
        Engines engines = Engines.open(config);
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            closeables.add(TracingSdk.start(TracingSettings.from(config.settings()), "ret-server"));
            Platform platform = Platform.open(config, engines);
            ServerMetrics metrics = platform.metrics();

            AuthModule auth = new AuthModule(platform, Clock.systemUTC());
            closeables.add(auth);
            var administration = new AccountAdministration(auth.accounts(), auth.sessions(), auth.apiKeys(),
                    auth.requests(), auth.credentials(), auth.cache(), platform.audit(), auth.settings(), Clock.systemUTC());
            Clock clock = Clock.systemUTC();
            Features features = Features.create(platform);
            closeables.add(features);
            JobModule jobModule = new JobModule(platform, features.jobHandlers(clock),
                    userId -> auth.accounts().byId(userId).map(a -> a.username()).orElse(userId), clock);
            closeables.add(jobModule);
            Sessions sessions = new Sessions(features.sessions(), features.storage(), features.sessionSettings(),
                    jobModule.jobs(), accountLimits(auth), engines.db(), clock);

            SqlSandbox sql = new SqlSandbox(QuerySettings.from(config));
            var sessionService = new SessionGrpcService(sessions,
                    config.settings().duration("ret.sessions.upload.idle", Duration.ofMillis(100)));
            closeables.add(sessionService);
            List<BindableService> services = new ArrayList<>(List.of(
                    auth.grpcService(),
                    new AdminGrpcService(administration, platform.audit(), platform.ops(), platform.errors()),
                    sessionService,
                    new ConversionGrpcService(sessions, jobModule.jobs(), clock),
                    new ComparisonGrpcService(features.comparisons(), sessions, jobModule.jobs(),
                            features.comparisonSettings()),
                    features.rag().grpcService(userId -> auth.accounts().byId(userId).isPresent(), sessions,
                            jobModule.jobs(), clock, TabularAnswerers.create(config, features.sessions(),
                                    features.storage(), sql)),
                    jobModule.grpcService(),
                    new QueryGrpcService(new Queries(sessions, sql))));
            services.addAll(extraServices.apply(platform));
            Map<String, Supplier<String>> documents = Map.of("/.well-known/jwks.json", auth::jwksJson);

            HealthStatusManager health = new HealthStatusManager();
            GrpcServer grpc = new GrpcServer(config, services, health, auth.authenticator(),
                    new RateLimiter(engines.redis()), platform.audit(), platform.errors(), metrics, platform.shutdown());
            HealthMonitor monitor = new HealthMonitor(List.of(
                    new HealthMonitor.Dependency("database", engines.db()::isReachable),
                    new HealthMonitor.Dependency("redis", engines.redis()::isReachable)),
                    health, grpc.serviceNames(), platform.ops());
            monitor.start(config.healthInterval());
            engines.keepAlive(platform.ops(), config.healthInterval());
            jobModule.start();
            ObserveServer observe = new ObserveServer(config.observe(), monitor, metrics, documents);
            int observePort = observe.start();
            grpc.start();
            platform.ops().record("platform", "startup", OpsLog.Severity.INFO, "RET started: gRPC port " + grpc.port()
                    + ", observe port " + observePort + ", runtime " + config.runtimeDir());
            return new RetServer(engines, platform, monitor, grpc, observe, observePort, closeables);
        } catch (RuntimeException e) {
            closeAll(closeables);
            engines.close();
            throw e;
        }
    }

    private static Sessions.Limits accountLimits(AuthModule auth) {
        return new Sessions.Limits() {
            @Override
            public long maxUploadBytes(String userId) {
                return auth.accounts().byId(userId).orElseThrow().limits().maxUploadBytes();
            }

            @Override
            public int maxSessions(String userId) {
                return auth.accounts().byId(userId).orElseThrow().limits().maxSessions();
            }
        };
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int observePort() {
        return observePort;
    }

    public Platform platform() {
        return platform;
    }

    /** Runs one health probe round now (tests use it instead of waiting for the schedule). */
    public void checkHealth() {
        healthMonitor.check();
    }

    /** Graceful: health goes NOT_SERVING, calls in flight finish, streams end with UNAVAILABLE. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("shutting down");
        healthMonitor.enterShutdown();
        grpc.stop();
        healthMonitor.close();
        platform.ops().record("platform", "shutdown", OpsLog.Severity.INFO, "RET stopped");
        observe.close();
        closeAll(closeables);
        engines.close();
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warning("cannot close " + resource.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
