package io.ret.server.platform.grpc;

import java.time.Duration;
import java.util.List;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.grpc.GrpcReflectionFeature;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.grpc.GrpcServiceDescriptor;
import io.helidon.webserver.http2.Http2Config;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.RetConfig;

/**
 * gRPC on Helidon 4 SE's WebServer. TCP_NODELAY is switched on: with Nagle's
 * algorithm (Helidon's default) every unary call waits ~44 ms for a delayed ACK.
 */
final class HelidonTransport implements GrpcTransport {
    private final WebServer server;

    HelidonTransport(RetConfig.Grpc settings, TransportSettings transport, List<ServerServiceDefinition> services,
                     BindableService health) {
        if (transport.tls().isPresent()) {
            // certificate reloading and mutual TLS are built on grpc-java's TLS credentials
            throw new ConfigException("ret.grpc.tls.enabled", "TLS is served by the netty transport only");
        }
        GrpcRouting.Builder routing = GrpcRouting.builder();
        for (ServerServiceDefinition definition : services) {
            // a descriptor (not a bare definition) carries the proto, so reflection can describe it
            routing.service(GrpcServiceDescriptor.builder((BindableService) () -> definition).build());
        }
        routing.service(GrpcServiceDescriptor.builder(health).build());
        server = WebServer.builder()
                .host(settings.host())
                .port(settings.port())
                .connectionOptions(options -> options.tcpNoDelay(true))
                // the same rapid-reset and stream limits as on netty
                .addProtocol(Http2Config.builder()
                        .maxRapidResets(transport.http2().maxResets())
                        .rapidResetCheckPeriod(transport.http2().resetWindow())
                        .maxConcurrentStreams(transport.http2().maxStreams())
                        .build())
                .shutdownHook(false)
                .featuresDiscoverServices(false)
                .addFeature(GrpcReflectionFeature.create(reflection -> reflection.enabled(true)))
                .addRouting(routing)
                .build();
    }

    @Override
    public int start() {
        server.start();
        return server.port();
    }

    @Override
    public void stop(Duration timeout) {
        server.stop();
    }
}
