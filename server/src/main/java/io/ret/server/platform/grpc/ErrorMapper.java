package io.ret.server.platform.grpc;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.ret.server.platform.db.DataAccessException;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.ErrorLog;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Turns anything a handler throws into a gRPC status with google.rpc details:
 * ErrorInfo (stable reason), BadRequest (field violations), RetryInfo and
 * RequestInfo (the correlation id). Unexpected errors become INTERNAL with no
 * detail but the correlation id; their stack goes to the log and a row to the
 * error log.
 */
public final class ErrorMapper {
    public static final String DOMAIN = "ret.io";
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    private final ErrorLog errorLog;

    public ErrorMapper(ErrorLog errorLog) {
        this.errorLog = errorLog;
    }

    public record Mapped(Status status, Metadata trailers) {
    }

    public Mapped map(Throwable error) {
        String correlationId = RequestContext.correlationIdOrDash();
        if (error instanceof StatusRuntimeException sre) {
            return new Mapped(sre.getStatus(), sre.getTrailers() == null ? new Metadata() : sre.getTrailers());
        }
        if (error instanceof StatusException se) {
            return new Mapped(se.getStatus(), se.getTrailers() == null ? new Metadata() : se.getTrailers());
        }
        ApiException api = error instanceof ApiException e ? e : dependencyFailure(error);
        if (api != null) {
            return toStatus(api, correlationId);
        }
        LOG.log(Level.SEVERE, "unexpected error in " + RequestContext.call().map(CallInfo::method).orElse("?"), error);
        errorLog.record("rpc", RequestContext.call().map(CallInfo::method).orElse(null),
                RequestContext.principal().map(p -> p.userId()).orElse(null), error, correlationId);
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.INTERNAL_VALUE)
                .setMessage("internal error; quote correlation id " + correlationId)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("INTERNAL").setDomain(DOMAIN).build()))
                .addDetails(Any.pack(requestInfo(correlationId)))
                .build();
        return fromProto(status);
    }

    /** Database or Redis out of reach: the client may retry, and the server recovers by itself. */
    private static ApiException dependencyFailure(Throwable error) {
        if (DataAccessException.isConnectionFailure(error)) {
            return ApiException.unavailable("DATABASE_UNAVAILABLE",
                    "the database is unavailable; retry shortly", Duration.ofSeconds(1));
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException) {
                return ApiException.unavailable("REDIS_UNAVAILABLE",
                        "the cache is unavailable; retry shortly", Duration.ofSeconds(1));
            }
        }
        return null;
    }

    public static Mapped toStatus(ApiException e, String correlationId) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code(e.kind()).value())
                .setMessage(e.getMessage());
        status.addDetails(Any.pack(ErrorInfo.newBuilder()
                .setReason(e.reason())
                .setDomain(DOMAIN)
                .putAllMetadata(e.metadata())
                .build()));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            e.violations().forEach(v -> bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                    .setField(v.field()).setDescription(v.description())));
            status.addDetails(Any.pack(bad.build()));
        }
        if (e.retryAfter() != null) {
            Duration d = e.retryAfter();
            status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(d.getSeconds()).setNanos(d.getNano())).build()));
        }
        status.addDetails(Any.pack(requestInfo(correlationId)));
        return fromProto(status.build());
    }

    private static RequestInfo requestInfo(String correlationId) {
        return RequestInfo.newBuilder().setRequestId(correlationId).build();
    }

    private static Mapped fromProto(com.google.rpc.Status status) {
        StatusRuntimeException e = StatusProto.toStatusRuntimeException(status);
        return new Mapped(e.getStatus(), e.getTrailers());
    }

    private static Status.Code code(ApiException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case ABORTED -> Status.Code.ABORTED;
            case OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
        };
    }
}
