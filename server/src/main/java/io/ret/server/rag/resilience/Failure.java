package io.ret.server.rag.resilience;

import java.time.Duration;
import java.util.Optional;

/** What a failed attempt means for the next one. */
public sealed interface Failure {

    /** Overload, outage or network trouble: worth another attempt, maybe after the server's own delay. */
    record Transient(Optional<Duration> retryAfter) implements Failure {}

    /** The request itself is wrong (bad input, auth): retrying cannot help, and the service is healthy. */
    record Permanent() implements Failure {}
}
