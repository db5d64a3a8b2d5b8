package io.ret.server.platform.grpc;

import java.util.Optional;

import io.grpc.Context;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.security.Principal;

/**
 * The current call (or job), as the pipeline attached it to the gRPC
 * {@link Context}. Feature code reads the principal and correlation id here.
 */
public final class RequestContext {
    static final Context.Key<CallInfo> CALL = Context.key("ret.call");

    private RequestContext() {
    }

    public static Optional<CallInfo> call() {
        return Optional.ofNullable(CALL.get());
    }

    public static Optional<Principal> principal() {
        CallInfo call = CALL.get();
        return call == null ? Optional.empty() : Optional.ofNullable(call.principal());
    }

    /** The caller; UNAUTHENTICATED if there is none (the pipeline normally prevents that). */
    public static Principal requirePrincipal() {
        return principal().orElseThrow(() -> ApiException.unauthenticated("CREDENTIALS_MISSING", "sign in first"));
    }

    public static String correlationId() {
        CallInfo call = CALL.get();
        return call == null ? null : call.correlationId();
    }

    public static String correlationIdOrDash() {
        String id = correlationId();
        return id == null ? "-" : id;
    }

    public static String peer() {
        CallInfo call = CALL.get();
        return call == null ? null : call.peer();
    }

    public static String userAgent() {
        CallInfo call = CALL.get();
        return call == null ? null : call.userAgent();
    }

    /**
     * A context for work outside a call (a job runner), so its log lines and
     * audit rows carry the job's correlation id and owner.
     */
    public static Context background(String what, String correlationId, Principal principal) {
        CallInfo call = new CallInfo(what, correlationId, null, null);
        call.principal(principal);
        return Context.ROOT.withValue(CALL, call);
    }
}
