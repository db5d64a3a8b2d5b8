package io.ret.server.platform.grpc;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.RetConfig;

/**
 * gRPC on grpc-java's Netty server; handlers run on virtual threads (they block on JDBC).
 * Optionally TLS (certificate files re-read when they change) and mutual TLS; always the
 * HTTP/2 limits of {@link TransportSettings.Http2}: a connection sending more RST_STREAM
 * frames than allowed (CVE-2023-44487, rapid reset) or pinging too often is sent GOAWAY.
 */
final class NettyTransport implements GrpcTransport {
    private final Server server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService reloads = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("grpc-tls-reload").daemon().factory());
    private final List<Closeable> watches = new ArrayList<>();

    NettyTransport(RetConfig.Grpc settings, TransportSettings transport, List<ServerServiceDefinition> services,
                   BindableService health) {
        TransportSettings.Http2 http2 = transport.http2();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()),
                        credentials(transport))
                .executor(handlers)
                .maxInboundMessageSize(TRANSPORT_MAX_MESSAGE_BYTES)
                .addStreamTracerFactory(TransportStatus.FACTORY)
                .addStreamTracerFactory(InboundSizeWatch.FACTORY)
                .intercept(InboundSizeWatch.DEFAULT_CUT)
                .maxRstFramesPerWindow(http2.maxResets(), (int) Math.max(1, http2.resetWindow().toSeconds()))
                .maxConcurrentCallsPerConnection(http2.maxStreams())
                .permitKeepAliveTime(http2.pingsAtMost().toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(http2.pingsWithoutCalls())
                .keepAliveTime(http2.keepAlive().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(http2.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAge(http2.maxAge().toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(http2.maxAgeGrace().toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionIdle(http2.maxIdle().toMillis(), TimeUnit.MILLISECONDS);
        services.forEach(builder::addService);
        builder.addService(health);
        builder.addService(ProtoReflectionServiceV1.newInstance());
        server = builder.build();
    }

    private ServerCredentials credentials(TransportSettings transport) {
        if (transport.tls().isEmpty()) {
            return InsecureServerCredentials.create();
        }
        TransportSettings.Tls tls = transport.tls().get();
        try {
            var keys = new AdvancedTlsX509KeyManager();
            TlsServerCredentials.Builder credentials = TlsServerCredentials.newBuilder().keyManager(keys);
            AdvancedTlsX509TrustManager trust = null;
            if (tls.ca().isPresent()) {
                trust = AdvancedTlsX509TrustManager.newBuilder()
                        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                        .build();
                credentials.trustManager(trust);
            }
            watches.add(new CertificateFiles(tls, keys, trust, reloads)::close);
            credentials.clientAuth(switch (tls.clientAuth()) {
                case NONE -> TlsServerCredentials.ClientAuth.NONE;
                case OPTIONAL -> TlsServerCredentials.ClientAuth.OPTIONAL;
                case REQUIRE -> TlsServerCredentials.ClientAuth.REQUIRE;
            });
            return credentials.build();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("ret.grpc.tls.cert", "cannot load the TLS certificate, key or CA: " + e.getMessage());
        }
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
            for (Closeable watch : watches) {
                try {
                    watch.close();
                } catch (IOException ignored) {
                    // the reload timer stops with its executor
                }
            }
            reloads.shutdownNow();
        }
    }
}
