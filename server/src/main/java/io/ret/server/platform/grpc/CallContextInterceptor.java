package io.ret.server.platform.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.UUID;
import java.util.regex.Pattern;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * First stage: takes the client's {@code x-correlation-id} (or makes one),
 * records the client's address (the peer, or what a trusted proxy forwarded)
 * and user agent, attaches them to the call's context and returns
 * the id in the response headers (or trailers, when no headers were sent).
 */
public final class CallContextInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> CORRELATION_ID =
            Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> USER_AGENT =
            Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final TrustedProxies trustedProxies;

    public CallContextInterceptor(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String offered = headers.get(CORRELATION_ID);
        // a client's id is kept only if it is safe to put in logs and headers
        String correlationId = offered != null && SAFE_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
        String peer = peerHost(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        String client = trustedProxies.isEmpty() ? peer : trustedProxies.clientAddress(peer, headers.getAll(FORWARDED_FOR));
        CallInfo info = new CallInfo(call.getMethodDescriptor().getFullMethodName(), correlationId, client,
                headers.get(USER_AGENT));
        Context context = Context.current().withValue(RequestContext.CALL, info);
        return Contexts.interceptCall(context, new CorrelatedCall<>(call, correlationId), headers, next);
    }

    static String peerHost(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return address == null ? "unknown" : address.toString();
    }

    private static final class CorrelatedCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final String correlationId;
        private boolean headersSent;

        CorrelatedCall(ServerCall<Q, R> call, String correlationId) {
            super(call);
            this.correlationId = correlationId;
        }

        @Override
        public void sendHeaders(Metadata headers) {
            headers.put(CORRELATION_ID, correlationId);
            headersSent = true;
            super.sendHeaders(headers);
        }

        @Override
        public void close(io.grpc.Status status, Metadata trailers) {
            if (!headersSent) {
                trailers.put(CORRELATION_ID, correlationId);
            }
            super.close(status, trailers);
        }
    }
}
