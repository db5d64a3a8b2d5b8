package io.ret.server.platform.grpc;

import java.time.Duration;
import java.util.List;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.ret.server.platform.config.RetConfig;

/**
 * Where the gRPC services run: Helidon's WebServer or grpc-java's Netty server.
 * Services and interceptors are plain grpc-java, so both host them unchanged;
 * both serve reflection and grpc.health.v1.
 */
public interface GrpcTransport {
    /** Largest message either side accepts; data chunks are at most 1 MiB. */
    int MAX_MESSAGE_BYTES = 2 * 1024 * 1024 - 1;

    /**
     * What the Netty transport accepts before refusing on its own (a plain RESOURCE_EXHAUSTED
     * with no details): above {@link #MAX_MESSAGE_BYTES}, so that messages between the two are
     * refused by {@link RequestGuard} with ErrorInfo and the correlation id.
     */
    int TRANSPORT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    /** Starts listening; returns the bound port. */
    int start();

    /** Stops at once; calls still open are cut. Graceful draining happens before this. */
    void stop(Duration timeout);

    /**
     * @param services intercepted service definitions, with proto descriptors for reflection
     * @param health   the grpc.health.v1 service
     */
    static GrpcTransport create(RetConfig.Grpc settings, TransportSettings transport,
                                List<ServerServiceDefinition> services, BindableService health) {
        return switch (settings.transport()) {
            case HELIDON -> new HelidonTransport(settings, transport, services, health);
            case NETTY -> new NettyTransport(settings, transport, services, health);
        };
    }
}
