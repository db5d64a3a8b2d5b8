package io.ret.server.platform.error;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A refusal meant for the client: the kind becomes the gRPC status code, the
 * reason a stable {@code ErrorInfo.reason}, the violations a {@code BadRequest}.
 * Feature code throws these; it never builds gRPC statuses itself.
 */
public final class ApiException extends RuntimeException {
    public enum Kind {
        INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED,
        FAILED_PRECONDITION, RESOURCE_EXHAUSTED, UNAVAILABLE, ABORTED, OUT_OF_RANGE
    }

    public record Violation(String field, String description) {
    }

    private final Kind kind;
    private final String reason;
    private final List<Violation> violations;
    private final Duration retryAfter;
    private final Map<String, String> metadata;

    private ApiException(Kind kind, String reason, String message, List<Violation> violations,
                         Duration retryAfter, Map<String, String> metadata) {
        super(message, null, false, false);
        this.kind = kind;
        this.reason = reason;
        this.violations = List.copyOf(violations);
        this.retryAfter = retryAfter;
        this.metadata = Map.copyOf(metadata);
    }

    public static ApiException invalid(String field, String description) {
        return invalid(List.of(new Violation(field, description)));
    }

    public static ApiException invalid(List<Violation> violations) {
        String message = violations.size() == 1
                ? violations.getFirst().field() + ": " + violations.getFirst().description()
                : "invalid request: " + violations.size() + " fields are invalid";
        return new ApiException(Kind.INVALID_ARGUMENT, "INVALID_ARGUMENT", message, violations, null, Map.of());
    }

    /** Invalid input with a more specific stable reason than INVALID_ARGUMENT (e.g. ARCHIVE_ZIP_SLIP). */
    public static ApiException invalid(String reason, String field, String description) {
        return new ApiException(Kind.INVALID_ARGUMENT, reason, field + ": " + description,
                List.of(new Violation(field, description)), null, Map.of());
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(Kind.NOT_FOUND, what.toUpperCase(java.util.Locale.ROOT).replace(' ', '_') + "_NOT_FOUND",
                what + " '" + id + "' not found", List.of(), null, Map.of());
    }

    public static ApiException alreadyExists(String reason, String message) {
        return new ApiException(Kind.ALREADY_EXISTS, reason, message, List.of(), null, Map.of());
    }

    public static ApiException permissionDenied(String reason, String message) {
        return new ApiException(Kind.PERMISSION_DENIED, reason, message, List.of(), null, Map.of());
    }

    public static ApiException unauthenticated(String reason, String message) {
        return new ApiException(Kind.UNAUTHENTICATED, reason, message, List.of(), null, Map.of());
    }

    public static ApiException failedPrecondition(String reason, String message) {
        return new ApiException(Kind.FAILED_PRECONDITION, reason, message, List.of(), null, Map.of());
    }

    public static ApiException resourceExhausted(String reason, String message, Duration retryAfter) {
        return new ApiException(Kind.RESOURCE_EXHAUSTED, reason, message, List.of(), retryAfter, Map.of());
    }

    public static ApiException unavailable(String reason, String message, Duration retryAfter) {
        return new ApiException(Kind.UNAVAILABLE, reason, message, List.of(), retryAfter, Map.of());
    }

    public static ApiException aborted(String reason, String message) {
        return new ApiException(Kind.ABORTED, reason, message, List.of(), null, Map.of());
    }

    /** The same refusal with extra ErrorInfo metadata (e.g. the limit that was hit). */
    public ApiException with(Map<String, String> extra) {
        var merged = new java.util.TreeMap<>(metadata);
        merged.putAll(extra);
        return new ApiException(kind, reason, getMessage(), violations, retryAfter, merged);
    }

    /** The same refusal listing several field violations (e.g. every bad file of an archive). */
    public ApiException withViolations(List<Violation> all) {
        String message = all.size() == 1 ? getMessage()
                : getMessage() + " (and " + (all.size() - 1) + " more; see the BadRequest details)";
        return new ApiException(kind, reason, message, all, retryAfter, metadata);
    }

    public Kind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }

    public List<Violation> violations() {
        return violations;
    }

    /** Null when the client should not retry on its own. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
