package io.ret.server.platform.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.ret.api.v1.Access;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.AuditLog;
import io.ret.server.platform.security.Authenticator;
import io.ret.server.platform.security.Principal;

/**
 * Applies the method's declared access: PUBLIC lets anyone in, AUTHENTICATED
 * needs a principal, ADMIN needs the admin role, and a method that declares
 * nothing is refused. Every refusal is audited. Ownership of individual
 * objects is checked by the services themselves.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
    private final MethodPolicies policies;
    private final AuditLog audit;

    public AuthorizationInterceptor(MethodPolicies policies, AuditLog audit) {
        this.policies = policies;
        this.audit = audit;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        CallInfo info = RequestContext.CALL.get();
        Access access = policies.of(info.method());
        if (access == Access.ACCESS_PUBLIC) {
            return next.startCall(call, headers);
        }
        if (access != Access.ACCESS_AUTHENTICATED && access != Access.ACCESS_ADMIN) {
            audit.record("auth", "authorization.denied", info.method(), AuditLog.Outcome.DENIED,
                    "method declares no access policy");
            throw ApiException.permissionDenied("NO_ACCESS_POLICY",
                    "method " + info.method() + " declares no access policy and is refused");
        }
        Principal principal = info.principal();
        if (principal == null) {
            Authenticator.Rejected rejected = info.rejection();
            if (rejected != null) {
                audit.record(null, rejected.subject(), "auth", "authentication.failed", info.method(),
                        AuditLog.Outcome.DENIED, rejected.reason());
                throw ApiException.unauthenticated(rejected.reason(), rejected.message());
            }
            audit.record(null, null, "auth", "authentication.missing", info.method(), AuditLog.Outcome.DENIED,
                    "no credentials");
            throw ApiException.unauthenticated("CREDENTIALS_MISSING",
                    "this method needs an access token (authorization: Bearer ...) or an API key (x-api-key)");
        }
        if (access == Access.ACCESS_ADMIN && !principal.isAdmin()) {
            audit.record("auth", "authorization.denied", info.method(), AuditLog.Outcome.DENIED, "admin role required");
            throw ApiException.permissionDenied("ADMIN_REQUIRED", "this method needs the admin role");
        }
        return next.startCall(call, headers);
    }
}
