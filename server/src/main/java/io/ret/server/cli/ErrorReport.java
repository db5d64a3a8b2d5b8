package io.ret.server.cli;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * A failed call in words: what went wrong, the stable reason, each bad field, when to retry and
 * the correlation id to quote to an operator. Read from the google.rpc details of the status.
 */
public record ErrorReport(Status.Code code, String message, String reason, List<String> fieldViolations,
                          String retryAfter, String correlationId) {

    public static ErrorReport of(StatusRuntimeException e, String server) {
        Status status = e.getStatus();
        String message = status.getDescription() == null ? "" : status.getDescription();
        String reason = "";
        List<String> fields = new ArrayList<>();
        String retry = "";
        String correlation = "";
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        if (rich != null) {
            for (Any detail : rich.getDetailsList()) {
                try {
                    if (detail.is(ErrorInfo.class)) {
                        reason = detail.unpack(ErrorInfo.class).getReason();
                    } else if (detail.is(BadRequest.class)) {
                        for (var violation : detail.unpack(BadRequest.class).getFieldViolationsList()) {
                            fields.add(violation.getField() + ": " + violation.getDescription());
                        }
                    } else if (detail.is(RetryInfo.class)) {
                        retry = Durations.toString(detail.unpack(RetryInfo.class).getRetryDelay());
                    } else if (detail.is(RequestInfo.class)) {
                        correlation = detail.unpack(RequestInfo.class).getRequestId();
                    }
                } catch (InvalidProtocolBufferException ignored) {
                    // a detail we cannot read adds nothing to the words
                }
            }
        }
        if (status.getCode() == Status.Code.UNAVAILABLE && unreachable(status.getCause())) {
            message = "cannot reach the server at " + server + " (" + describe(status.getCause())
                    + "); is it running? Choose another with --server or RET_SERVER";
        } else if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            message = "the server at " + server + " did not answer in time" + (message.isEmpty() ? "" : " (" + message + ")");
        } else if (message.isEmpty() && status.getCause() != null) {
            message = describe(status.getCause());
        }
        return new ErrorReport(status.getCode(), message, reason, fields, retry, correlation);
    }

    public int exitCode() {
        return ExitCodes.of(code);
    }

    /** Several lines for a person. */
    public String words() {
        StringBuilder text = new StringBuilder("ret: ").append(codeWords(code));
        if (!message.isEmpty()) {
            text.append(": ").append(message);
        }
        if (!reason.isEmpty()) {
            text.append("\n  reason: ").append(reason);
        }
        for (String field : fieldViolations) {
            text.append("\n  field ").append(field);
        }
        if (!retryAfter.isEmpty()) {
            text.append("\n  retry after ").append(retryAfter);
        }
        if (code == Status.Code.UNAUTHENTICATED && !reason.equals("LOGIN_FAILED")) {
            text.append("\n  sign in with: ret login");
        }
        if (!correlationId.isEmpty()) {
            text.append("\n  correlation id: ").append(correlationId);
        }
        return text.toString();
    }

    /** The same as one JSON object, for --output json. */
    public Map<String, Object> json() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code.name());
        error.put("message", message);
        error.put("reason", reason);
        error.put("fieldViolations", fieldViolations);
        if (!retryAfter.isEmpty()) {
            error.put("retryAfter", retryAfter);
        }
        error.put("correlationId", correlationId);
        error.put("exitCode", exitCode());
        return Map.of("error", error);
    }

    static String codeWords(Status.Code code) {
        return switch (code) {
            case UNAUTHENTICATED -> "not signed in (UNAUTHENTICATED)";
            case PERMISSION_DENIED -> "not allowed (PERMISSION_DENIED)";
            case NOT_FOUND -> "not found (NOT_FOUND)";
            case INVALID_ARGUMENT -> "invalid request (INVALID_ARGUMENT)";
            case FAILED_PRECONDITION -> "not possible now (FAILED_PRECONDITION)";
            case ALREADY_EXISTS -> "already exists (ALREADY_EXISTS)";
            case RESOURCE_EXHAUSTED -> "over a limit (RESOURCE_EXHAUSTED)";
            case UNAVAILABLE -> "server unavailable (UNAVAILABLE)";
            case DEADLINE_EXCEEDED -> "timed out (DEADLINE_EXCEEDED)";
            case CANCELLED -> "cancelled (CANCELLED)";
            case INTERNAL, UNKNOWN, DATA_LOSS -> "server error (" + code.name() + ")";
            default -> code.name();
        };
    }

    private static boolean unreachable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
            return "unknown host";
        }
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
