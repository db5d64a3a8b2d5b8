package io.ret.server.platform.grpc;

import io.ret.server.platform.security.Authenticator;
import io.ret.server.platform.security.Principal;

/**
 * What the pipeline knows about one call. Created by the outermost
 * interceptor; later stages fill in the principal, so the access log (which
 * wraps them all) can name it.
 */
public final class CallInfo {
    private final String method;
    private final String correlationId;
    private final String peer;
    private final String userAgent;
    private final long startNanos = System.nanoTime();
    private volatile Principal principal;
    private volatile Authenticator.Rejected rejection;

    public CallInfo(String method, String correlationId, String peer, String userAgent) {
        this.method = method;
        this.correlationId = correlationId;
        this.peer = peer;
        this.userAgent = userAgent;
    }

    public String method() {
        return method;
    }

    public String correlationId() {
        return correlationId;
    }

    public String peer() {
        return peer;
    }

    public String userAgent() {
        return userAgent;
    }

    public long startNanos() {
        return startNanos;
    }

    public Principal principal() {
        return principal;
    }

    void principal(Principal principal) {
        this.principal = principal;
    }

    /** Credentials were presented and refused (decided on by the authorization stage). */
    public Authenticator.Rejected rejection() {
        return rejection;
    }

    void rejection(Authenticator.Rejected rejection) {
        this.rejection = rejection;
    }
}
