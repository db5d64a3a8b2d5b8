package io.ret.server.platform.security;

/** Turns the credentials of a call into a principal. Implemented by the auth feature. */
public interface Authenticator {

    /**
     * @param bearerToken the token of an {@code authorization: Bearer} header, or null
     * @param apiKey      the value of an {@code x-api-key} header, or null
     */
    Result authenticate(String bearerToken, String apiKey);

    sealed interface Result {
    }

    /** No credentials were presented. */
    record Anonymous() implements Result {
    }

    record Authenticated(Principal principal) implements Result {
    }

    /**
     * Credentials were presented and refused.
     *
     * @param reason  stable reason for ErrorInfo and the audit log, e.g. TOKEN_EXPIRED
     * @param message safe to show to the client
     * @param subject who the credentials claimed to be, when known (for the audit log)
     */
    record Rejected(String reason, String message, String subject) implements Result {
    }

    /** Refuses every credential: the server runs with no accounts wired. */
    Authenticator NONE = (token, key) -> token == null && key == null
            ? new Anonymous()
            : new Rejected("CREDENTIALS_NOT_ACCEPTED", "this server accepts no credentials", null);
}
