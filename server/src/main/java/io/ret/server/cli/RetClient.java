package io.ret.server.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.AuthTokens;
import io.ret.api.v1.RefreshTokenRequest;

/**
 * A connection to one RET server and the caller's credentials: an API key ($RET_API_KEY), a
 * given access token ($RET_TOKEN) or the tokens of {@code ret login}, whose access token is
 * refreshed with the refresh token shortly before it expires. Every stub it hands out carries a
 * deadline: the call timeout for unary calls, a long one for watching and chat streams.
 */
public final class RetClient implements AutoCloseable {
    public static final String DEFAULT_SERVER = "localhost:50051";
    /** Streams that follow a job or an answer for as long as it takes, but never forever. */
    static final Duration STREAM_DEADLINE = Duration.ofHours(24);
    private static final long REFRESH_MARGIN_SECONDS = 15;

    private final String server;
    private final ManagedChannel channel;
    private final Duration timeout;
    private final TokenStore tokens;
    private final CliContext context;

    private RetClient(String server, ManagedChannel channel, Duration timeout, TokenStore tokens, CliContext context) {
        this.server = server;
        this.channel = channel;
        this.timeout = timeout;
        this.tokens = tokens;
        this.context = context;
    }

    public static RetClient open(ClientOptions options, CliContext context) {
        String given = options.server != null ? options.server : context.env("RET_SERVER").orElse(DEFAULT_SERVER);
        boolean https = given.startsWith("https://");
        boolean http = given.startsWith("http://");
        String target = given.replaceFirst("^https?://", "").replaceFirst("/+$", "");
        if (!target.contains(":")) {
            target = target + ":50051";
        }
        Path ca = options.ca != null ? options.ca : context.env("RET_CA").map(Path::of).orElse(null);
        Path cert = options.cert != null ? options.cert : context.env("RET_CLIENT_CERT").map(Path::of).orElse(null);
        Path key = options.key != null ? options.key : context.env("RET_CLIENT_KEY").map(Path::of).orElse(null);
        if ((cert == null) != (key == null)) {
            throw new CliException(ExitCodes.USAGE, "a client certificate needs both --client-cert and --client-key "
                    + "(or RET_CLIENT_CERT and RET_CLIENT_KEY)");
        }
        boolean tls = options.tls || ca != null || cert != null || https
                || (!options.plaintext && !http && !loopback(target));
        if (options.plaintext && (options.tls || ca != null || cert != null || https)) {
            throw new CliException(ExitCodes.USAGE, "--plaintext contradicts --tls, --ca, --client-cert or an https:// server");
        }
        ChannelCredentials credentials = tls ? tlsCredentials(ca, cert, key) : InsecureChannelCredentials.create();
        ManagedChannel channel = Grpc.newChannelBuilder(target, credentials).userAgent("ret-cli").build();
        return new RetClient(target, channel, options.timeout(), new TokenStore(context.configDir()), context);
    }

    /** TLS trusting {@code ca} (else the system's CAs), presenting {@code cert} when given (mutual TLS). */
    private static ChannelCredentials tlsCredentials(Path ca, Path cert, Path key) {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        try {
            if (ca != null) {
                builder.trustManager(ca.toFile());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the CA file " + ca + ": " + e.getMessage());
        }
        try {
            if (cert != null) {
                builder.keyManager(cert.toFile(), key.toFile());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the client certificate " + cert + " or its key "
                    + key + ": " + e.getMessage());
        }
        return builder.build();
    }

    private static boolean loopback(String target) {
        String host = target.substring(0, target.lastIndexOf(':'));
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    public String server() {
        return server;
    }

    public TokenStore tokens() {
        return tokens;
    }

    /** A stub for a unary call, signed in, with the call deadline. */
    public <S extends AbstractStub<S>> S call(Function<Channel, S> stub) {
        return authenticated(stub.apply(channel)).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A stub for a long stream (watch, chat, upload, download), signed in, with a long deadline. */
    public <S extends AbstractStub<S>> S stream(Function<Channel, S> stub) {
        return authenticated(stub.apply(channel)).withDeadlineAfter(STREAM_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A stub that sends no credentials (sign-in, refresh). */
    public <S extends AbstractStub<S>> S anonymous(Function<Channel, S> stub) {
        return stub.apply(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <S extends AbstractStub<S>> S authenticated(S stub) {
        Metadata headers = new Metadata();
        var apiKey = context.env("RET_API_KEY");
        var token = context.env("RET_TOKEN");
        if (apiKey.isPresent()) {
            headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), apiKey.get());
        } else {
            String bearer = token.orElseGet(this::storedAccessToken);
            if (bearer == null) {
                throw new CliException(ExitCodes.AUTH, "not signed in to " + server
                        + ": run ret login (or set RET_TOKEN or RET_API_KEY)");
            }
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
        }
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** The stored access token, refreshed first when it is about to expire; null when not signed in. */
    private synchronized String storedAccessToken() {
        var stored = tokens.get(server);
        if (stored.isEmpty()) {
            return null;
        }
        TokenStore.Login login = stored.get();
        Instant now = Instant.now();
        if (login.accessValidFor(REFRESH_MARGIN_SECONDS, now)) {
            return login.accessToken();
        }
        if (!login.refreshUsable(now)) {
            tokens.remove(server);
            throw new CliException(ExitCodes.AUTH, "the sign-in to " + server + " has expired: run ret login");
        }
        try {
            AuthTokens fresh = anonymous(AuthServiceGrpc::newBlockingStub)
                    .refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(login.refreshToken()).build());
            TokenStore.Login renewed = remember(fresh, login.username());
            return renewed.accessToken();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                tokens.remove(server);
                throw new CliException(ExitCodes.AUTH, "the sign-in to " + server
                        + " was ended (the refresh token was refused): run ret login");
            }
            throw e;
        }
    }

    /** Stores a sign-in for this server and returns it. */
    public TokenStore.Login remember(AuthTokens tokens, String username) {
        TokenStore.Login login = new TokenStore.Login(
                tokens.hasUser() ? tokens.getUser().getUsername() : username, tokens.getAccessToken(),
                Instant.ofEpochSecond(tokens.getAccessTokenExpireTime().getSeconds()), tokens.getRefreshToken(),
                Instant.ofEpochSecond(tokens.getRefreshTokenExpireTime().getSeconds()));
        this.tokens.put(server, login);
        return login;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
