package io.ret.server.rag.resilience;

/**
 * A remote model or store could not answer in time, after retries: the caller should
 * report the service as unavailable (gRPC UNAVAILABLE), not as a bad request.
 */
public class ModelUnavailableException extends RuntimeException {
    public ModelUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
