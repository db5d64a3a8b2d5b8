package io.ret.server.platform.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.events.AuditLog;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.observe.ServerMetrics;
import io.ret.server.platform.redis.RateLimiter;
import io.ret.server.platform.security.Authenticator;

/**
 * The gRPC endpoint: every RET service behind one interceptor pipeline, plus
 * reflection and grpc.health.v1, on the configured transport.
 *
 * <p>Pipeline, in the order a call meets it:
 * <ol>
 * <li>call context: correlation id, peer (the forwarded client address when the peer is a
 *     trusted proxy), user agent (everything after can log them)</li>
 * <li>access log and metrics: see the final status of every call, refusals included</li>
 * <li>request guard: unparseable, oversize or out-of-bounds requests refused with rich
 *     details and counted, never passed on (see {@link RequestGuard})</li>
 * <li>error mapping: whatever a later stage or the handler throws becomes a rich status</li>
 * <li>drain: refuses new calls while shutting down, counts calls in flight</li>
 * <li>authentication: token or API key to principal (refuses nothing itself)</li>
 * <li>rate limit: per principal, else per peer; before authorization so that
 *     floods of refused calls are limited too</li>
 * <li>authorization: the method's declared access</li>
 * </ol>
 */
public final class GrpcServer {
    private static final Logger LOG = Logger.getLogger(GrpcServer.class.getName());

    private final RetConfig.Grpc settings;
    private final DrainInterceptor drain;
    private final GrpcTransport transport;
    private final List<String> serviceNames;
    private int port;

    public GrpcServer(RetConfig config, List<BindableService> services, HealthStatusManager health,
                      Authenticator authenticator, RateLimiter rateLimiter, AuditLog audit, ErrorLog errors,
                      ServerMetrics metrics, ShutdownSignal shutdown) {
        this.settings = config.grpc();
        List<ServerServiceDefinition> bound = services.stream().map(BindableService::bindService)
                .map(RequestGuard::guard).toList();
        this.serviceNames = bound.stream().map(d -> d.getServiceDescriptor().getName()).toList();
        this.drain = new DrainInterceptor(shutdown);
        TransportSettings transportSettings = TransportSettings.from(config.settings());
        List<ServerInterceptor> pipeline = new ArrayList<>(List.of(
                new CallContextInterceptor(transportSettings.trustedProxies()),
                new TracingInterceptor(),
                new AccessLogInterceptor(metrics),
                new RequestGuard(new ErrorMapper(errors), metrics),
                new ErrorInterceptor(new ErrorMapper(errors)),
                drain,
                new AuthenticationInterceptor(authenticator)));
        if (config.rateLimit().enabled()) {
            pipeline.add(new RateLimitInterceptor(rateLimiter, config.rateLimit()));
        }
        pipeline.add(new AuthorizationInterceptor(MethodPolicies.of(bound), audit));
        List<ServerServiceDefinition> intercepted = bound.stream()
                .map(definition -> ServerInterceptors.interceptForward(definition, pipeline))
                .toList();
        TransportStatus.quietClientFaults();
        this.transport = GrpcTransport.create(settings, transportSettings, intercepted, health.getHealthService());
    }

    public int start() {
        port = transport.start();
        LOG.info("gRPC listening on " + settings.host() + ":" + port + " (" + settings.transport().name().toLowerCase()
                + " transport, " + serviceNames.size() + " services)");
        return port;
    }

    public int port() {
        return port;
    }

    public List<String> serviceNames() {
        return serviceNames;
    }

    /**
     * Graceful stop: refuse new calls, tell streams to end, wait up to the
     * configured grace for calls in flight, then close the listener.
     */
    public void stop() {
        boolean drained = drain.drain(settings.shutdownGrace());
        if (!drained) {
            LOG.warning(drain.active() + " call(s) still running after " + settings.shutdownGrace() + "; cutting them");
        }
        transport.stop(Duration.ofSeconds(5));
    }
}
