package io.ret.server.platform.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.ret.server.platform.security.Authenticator;

/**
 * Reads {@code authorization: Bearer <token>} or {@code x-api-key} and
 * resolves the principal. It refuses nothing itself: whether a missing or
 * rejected credential matters depends on the method's policy, which the
 * authorization stage applies after rate limiting.
 */
public final class AuthenticationInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> API_KEY =
            Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final Authenticator authenticator;

    public AuthenticationInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        CallInfo info = RequestContext.CALL.get();
        String authorization = headers.get(AUTHORIZATION);
        String token = null;
        if (authorization != null) {
            token = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? authorization.substring(BEARER.length()).strip()
                    : "";
        }
        String apiKey = headers.get(API_KEY);
        switch (authenticator.authenticate(token, apiKey)) {
            case Authenticator.Authenticated ok -> info.principal(ok.principal());
            case Authenticator.Rejected rejected -> info.rejection(rejected);
            case Authenticator.Anonymous anonymous -> { }
        }
        return next.startCall(call, headers);
    }
}
