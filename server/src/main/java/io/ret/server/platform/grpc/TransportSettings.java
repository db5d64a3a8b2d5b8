package io.ret.server.platform.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.Settings;

/**
 * How the gRPC port defends itself: TLS (optionally mutual), HTTP/2 limits
 * against rapid-reset and ping floods, connection ages, and which proxies'
 * forwarded client addresses are believed (keys under ret.grpc).
 */
public record TransportSettings(TrustedProxies trustedProxies, Optional<Tls> tls, Http2 http2) {

    public enum ClientAuth { NONE, OPTIONAL, REQUIRE }

    /**
     * @param cert       PEM certificate chain this side presents
     * @param key        PEM private key (PKCS#8) of that certificate
     * @param ca         PEM CA certificates client certificates must chain to (empty: system CAs)
     * @param clientAuth whether clients must present a certificate
     * @param refresh    how often the files are checked for new contents
     */
    public record Tls(Path cert, Path key, Optional<Path> ca, ClientAuth clientAuth, Duration refresh) {
    }

    /**
     * @param maxResets      RST_STREAM frames a connection may send per {@code resetWindow} (rapid reset)
     * @param maxStreams     calls in flight on one connection
     * @param pingsAtMost    clients may ping this often at most (more is a ping flood: GOAWAY)
     * @param keepAlive      the server pings an idle connection after this long to see it is alive
     * @param maxAge         a connection is asked to go away after this long (clients reconnect)
     * @param maxAgeGrace    calls still running then get this long to finish
     * @param maxIdle        a connection without calls for this long is closed
     */
    public record Http2(int maxResets, Duration resetWindow, int maxStreams, Duration pingsAtMost,
                        boolean pingsWithoutCalls, Duration keepAlive, Duration keepAliveTimeout, Duration maxAge,
                        Duration maxAgeGrace, Duration maxIdle) {
    }

    public static TransportSettings from(Settings s) {
        TrustedProxies proxies = s.optionalString("ret.grpc.trusted.proxies")
                .map(list -> TrustedProxies.parse("ret.grpc.trusted.proxies", list))
                .orElse(TrustedProxies.none());
        Optional<Tls> tls = s.bool("ret.grpc.tls.enabled") ? Optional.of(tls(s)) : Optional.empty();
        var http2 = new Http2(
                s.integer("ret.grpc.http2.max.resets", 1, 1_000_000),
                s.duration("ret.grpc.http2.reset.window", Duration.ofSeconds(1)),
                s.integer("ret.grpc.http2.max.streams", 1, 1_000_000),
                s.duration("ret.grpc.keepalive.permit.time", Duration.ZERO),
                s.bool("ret.grpc.keepalive.permit.idle"),
                s.duration("ret.grpc.keepalive.time", Duration.ofSeconds(10)),
                s.duration("ret.grpc.keepalive.timeout", Duration.ofSeconds(1)),
                s.duration("ret.grpc.connection.max.age", Duration.ofSeconds(1)),
                s.duration("ret.grpc.connection.grace", Duration.ZERO),
                s.duration("ret.grpc.connection.max.idle", Duration.ofSeconds(1)));
        return new TransportSettings(proxies, tls, http2);
    }

    private static Tls tls(Settings s) {
        Path cert = readable(s, "ret.grpc.tls.cert");
        Path key = readable(s, "ret.grpc.tls.key");
        Optional<Path> ca = s.optionalString("ret.grpc.tls.ca").map(v -> readable(s, "ret.grpc.tls.ca"));
        ClientAuth auth = s.choice("ret.grpc.tls.client.auth", ClientAuth.class);
        if (auth != ClientAuth.NONE && ca.isEmpty()) {
            throw new ConfigException("ret.grpc.tls.ca", "is required when ret.grpc.tls.client.auth is " + auth.name()
                    .toLowerCase(java.util.Locale.ROOT) + " (the CA client certificates must chain to)");
        }
        return new Tls(cert, key, ca, auth, s.duration("ret.grpc.tls.refresh", Duration.ofSeconds(1)));
    }

    private static Path readable(Settings s, String key) {
        Path path = Path.of(s.string(key));
        if (!Files.isReadable(path)) {
            throw new ConfigException(key, "'" + path + "' is not a readable file");
        }
        return path;
    }
}
