package io.ret.server.rag.resilience;

import java.time.Duration;

/** A call refused without trying, because the service failed repeatedly just before. */
public final class CircuitOpenException extends ModelUnavailableException {
    public CircuitOpenException(String service, Duration retryIn) {
        super(service + " is failing; calls are paused" + (retryIn.isZero() ? "" : " for " + retryIn.toMillis() + " ms"), null);
    }
}
