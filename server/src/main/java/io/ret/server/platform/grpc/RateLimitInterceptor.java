package io.ret.server.platform.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.redis.RateLimiter;
import io.ret.server.platform.security.Principal;

/**
 * Limits calls per principal (per peer address for anonymous callers). Methods
 * with their own limit in configuration get their own bucket; all others share
 * the principal's default bucket. A refusal is RESOURCE_EXHAUSTED with a
 * RetryInfo saying when a token is back.
 */
public final class RateLimitInterceptor implements ServerInterceptor {
    private final RateLimiter limiter;
    private final RetConfig.RateLimit settings;

    public RateLimitInterceptor(RateLimiter limiter, RetConfig.RateLimit settings) {
        this.limiter = limiter;
        this.settings = settings;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        CallInfo info = RequestContext.CALL.get();
        Principal principal = info.principal();
        String who = principal != null ? "user:" + principal.userId() : "peer:" + info.peer();
        boolean ownBucket = settings.perMethod().containsKey(info.method());
        RetConfig.Limit limit = settings.forMethod(info.method());
        String key = ownBucket ? who + '|' + info.method() : who;
        if (limiter.tryAcquire(key, limit) instanceof RateLimiter.Refused refused) {
            throw ApiException.resourceExhausted("RATE_LIMITED",
                            "rate limit of " + limit.calls() + " calls per " + limit.period().toSeconds()
                                    + " s exceeded; retry after the delay in RetryInfo", refused.retryAfter())
                    .with(java.util.Map.of("limit", String.valueOf(limit.calls()),
                            "period_seconds", String.valueOf(limit.period().toSeconds())));
        }
        return next.startCall(call, headers);
    }
}
