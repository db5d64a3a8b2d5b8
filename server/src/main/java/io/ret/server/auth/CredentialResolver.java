package io.ret.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.ret.server.platform.security.Authenticator;
import io.ret.server.platform.security.Principal;

/**
 * Turns an access token or API key into a principal. A token's signature is
 * verified once and remembered until it expires; the account and login
 * session behind it are checked on every call (through {@link AccountCache}),
 * so a lock, disable, delete, logout or force-logout takes effect on the next
 * call. The role comes from the account, not from the token.
 */
public final class CredentialResolver implements Authenticator {
    private static final int MAX_VERIFIED = 50_000;
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final AccessTokens tokens;
    private final AccountStore accounts;
    private final LoginSessionStore sessions;
    private final ApiKeyStore apiKeys;
    private final AccountCache cache;
    private final Clock clock;
    private final Map<String, AccessTokens.Claims> verified = new ConcurrentHashMap<>();
    private final Map<String, Instant> touched = new ConcurrentHashMap<>();

    public CredentialResolver(AccessTokens tokens, AccountStore accounts, LoginSessionStore sessions, ApiKeyStore apiKeys,
                              AccountCache cache, Clock clock) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public Result authenticate(String bearerToken, String apiKey) {
        if (bearerToken != null && apiKey != null) {
            return new Rejected("CREDENTIALS_AMBIGUOUS", "send either a bearer token or an API key, not both", null);
        }
        if (bearerToken != null) {
            return fromToken(bearerToken);
        }
        if (apiKey != null) {
            return fromApiKey(apiKey);
        }
        return new Anonymous();
    }

    private Result fromToken(String token) {
        if (token.isEmpty()) {
            return new Rejected("TOKEN_MALFORMED", "the authorization header must be 'Bearer <access token>'", null);
        }
        Instant now = clock.instant();
        AccessTokens.Claims claims = verified.get(token);
        if (claims == null) {
            switch (tokens.verify(token)) {
                case AccessTokens.Invalid invalid -> {
                    return new Rejected(invalid.reason(), invalid.message(), null);
                }
                case AccessTokens.Valid valid -> {
                    claims = valid.claims();
                    if (verified.size() >= MAX_VERIFIED) {
                        verified.clear();
                    }
                    verified.put(token, claims);
                }
            }
        }
        if (!claims.expiresAt().isAfter(now)) {
            verified.remove(token);
            return new Rejected("TOKEN_EXPIRED", "access token expired; refresh it", claims.username());
        }
        Optional<Account> account = cache.account(claims.userId(), accounts::byId);
        if (account.isEmpty()) {
            return new Rejected("ACCOUNT_GONE", "the account no longer exists", claims.username());
        }
        Account a = account.get();
        if (a.tokenVersion() != claims.version()) {
            return new Rejected("TOKEN_REVOKED", "access token was revoked; sign in again", a.username());
        }
        if (!a.mayCall()) {
            return new Rejected("ACCOUNT_DISABLED", "the account is locked or disabled", a.username());
        }
        Optional<LoginSessionStore.LoginSession> session = cache.session(claims.sessionId(), sessions::byId);
        if (session.isEmpty() || !session.get().live(now) || !session.get().userId().equals(a.id())) {
            return new Rejected("SESSION_ENDED", "the login session has ended; sign in again", a.username());
        }
        return new Authenticated(new Principal(a.id(), a.username(), a.role(), false, claims.sessionId()));
    }

    private Result fromApiKey(String key) {
        Optional<String> prefix = ApiKeyFormat.prefixOf(key);
        if (prefix.isEmpty()) {
            return new Rejected("API_KEY_INVALID", "the API key is not valid", null);
        }
        Instant now = clock.instant();
        String hash = sha256(key);
        Optional<ApiKeyStore.ApiKey> stored = cache.apiKey(hash, h -> apiKeys.byPrefix(prefix.get())
                .filter(k -> MessageDigest.isEqual(k.keyHash().getBytes(StandardCharsets.US_ASCII),
                        h.getBytes(StandardCharsets.US_ASCII))));
        if (stored.isEmpty() || !stored.get().live(now)) {
            return new Rejected("API_KEY_INVALID", "the API key is not valid, expired or revoked", prefix.get());
        }
        ApiKeyStore.ApiKey k = stored.get();
        Optional<Account> account = cache.account(k.serviceAccountId(), accounts::byId);
        if (account.isEmpty() || !account.get().mayCall() || account.get().kind() != Account.Kind.SERVICE) {
            return new Rejected("ACCOUNT_DISABLED", "the service account is locked, disabled or gone", prefix.get());
        }
        Instant last = touched.get(k.id());
        if (last == null || last.plus(TOUCH_INTERVAL).isBefore(now)) {
            // best effort and off the call path; at most once a minute per key and instance
            touched.put(k.id(), now);
            Thread.ofVirtual().start(() -> {
                try {
                    apiKeys.touch(k.id(), now);
                } catch (RuntimeException ignored) {
                    // last-used time is informational
                }
            });
        }
        Account a = account.get();
        return new Authenticated(new Principal(a.id(), a.username(), a.role(), true, k.id()));
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
