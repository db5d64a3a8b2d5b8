package io.ret.server.platform.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.ret.server.platform.config.RetConfig;

/** gRPC on grpc-java's Netty server; handlers run on virtual threads (they block on JDBC). */
final class NettyTransport implements GrpcTransport {
    private final Server server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();

    NettyTransport(RetConfig.Grpc settings, List<ServerServiceDefinition> services, BindableService health) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
                .executor(handlers)
                .maxInboundMessageSize(TRANSPORT_MAX_MESSAGE_BYTES)
                .addStreamTracerFactory(TransportStatus.FACTORY)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        services.forEach(builder::addService);
        builder.addService(health);
        builder.addService(ProtoReflectionServiceV1.newInstance());
        server = builder.build();
    }

    @Override
    public int start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for gRPC: " + e.getMessage(), e);
        }
        return server.getPort();
    }

    @Override
    public void stop(Duration timeout) {
        server.shutdown();
        try {
            if (!server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        } finally {
            handlers.shutdownNow();
        }
    }
}
