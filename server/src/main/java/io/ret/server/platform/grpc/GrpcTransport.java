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
     * What the Netty transport accepts at all: grpc-java refuses a message that declares more
     * when it reads the message's 5-byte header, with a plain RESOURCE_EXHAUSTED and before any
     * interceptor or tracer hears of it. Anything from {@link #MAX_MESSAGE_BYTES} up to this is
     * refused by {@link RequestGuard} with ErrorInfo and the correlation id, and cut off by
     * {@link InboundSizeWatch} once past {@link #MAX_MESSAGE_BYTES}, so it never costs more
     * memory than a message at our limit. Finite all the same: should a cut ever not happen,
     * this still bounds what one call can make the server buffer.
     */
    int TRANSPORT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

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
