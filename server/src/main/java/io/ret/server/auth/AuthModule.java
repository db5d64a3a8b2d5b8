package io.ret.server.auth;

import java.time.Clock;
import java.time.Duration;

import io.ret.server.platform.Platform;
import io.ret.server.platform.redis.Counters;
import io.ret.server.platform.security.Authenticator;

/** Accounts and tokens, wired from the platform and the ret.auth settings. */
public final class AuthModule implements AutoCloseable {
    private final AuthSettings settings;
    private final SigningKeys keys;
    private final AccountStore accounts;
    private final LoginSessionStore sessions;
    private final ApiKeyStore apiKeys;
    private final AccountRequestStore requests;
    private final AccountCache cache;
    private final Credentials credentials;
    private final Accounts accountService;
    private final CredentialResolver resolver;

    public AuthModule(Platform platform, Clock clock) {
        this.settings = AuthSettings.from(platform.config().settings());
        this.keys = settings.keysFile()
                .map(file -> SigningKeys.load(file, settings.signingKid(), "ret.auth.jwt.keys.file"))
                .orElseGet(() -> SigningKeys.loadOrGenerate(platform.config().runtimeDir().resolve("keys")));
        var db = platform.db();
        this.accounts = new AccountStore(db);
        this.sessions = new LoginSessionStore(db);
        this.apiKeys = new ApiKeyStore(db);
        this.requests = new AccountRequestStore(db);
        this.cache = new AccountCache(platform.redis(), Duration.ofSeconds(10));
        PasswordHasher hasher = new PasswordHasher(settings.hashParams(), settings.hashConcurrency());
        AccessTokens tokens = new AccessTokens(keys, settings.issuer(), settings.audience(), settings.accessTokenTtl(), clock);
        this.credentials = new Credentials(accounts, requests, hasher, settings, clock);
        var throttle = new LoginThrottle(new Counters(platform.redis()),
                LoginThrottle.Policy.from(platform.config().settings(), settings));
        this.accountService = new Accounts(accounts, sessions, requests, hasher, tokens, cache, platform.audit(), settings,
                throttle, clock);
        this.resolver = new CredentialResolver(tokens, accounts, sessions, apiKeys, cache, clock);
        AdminBootstrap.ensureAdmin(accounts, credentials, settings, platform.config().database().embedded(),
                platform.config().runtimeDir(), platform.ops());
    }

    public Authenticator authenticator() {
        return resolver;
    }

    public AuthGrpcService grpcService() {
        return new AuthGrpcService(accountService, keys);
    }

    /** RFC 7517 JSON of the public keys, for /.well-known/jwks.json. */
    public String jwksJson() {
        return keys.publicKeys().toString();
    }

    public AuthSettings settings() {
        return settings;
    }

    public AccountStore accounts() {
        return accounts;
    }

    public LoginSessionStore sessions() {
        return sessions;
    }

    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    public AccountRequestStore requests() {
        return requests;
    }

    public AccountCache cache() {
        return cache;
    }

    public Credentials credentials() {
        return credentials;
    }

    @Override
    public void close() {
        cache.close();
    }
}
