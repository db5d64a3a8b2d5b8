package io.ret.server.auth;

import java.time.Clock;
import java.time.Instant;

import io.ret.server.platform.Ids;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.db.DataAccessException;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.security.Role;

/**
 * Makes credentials: accounts with hashed passwords, one-time reset tokens and
 * API keys. Only hashes are stored; the secrets are returned once.
 */
public final class Credentials {
    public record Decided(AccountRequestStore.ResetRequest request, String resetToken) {
    }

    /** @param secret the whole key for the x-api-key header */
    public record IssuedKey(String prefix, String secret, String hash) {
    }

    private final AccountStore accounts;
    private final AccountRequestStore requests;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final AuthSettings settings;
    private final Clock clock;

    public Credentials(AccountStore accounts, AccountRequestStore requests, PasswordHasher hasher,
                       AuthSettings settings, Clock clock) {
        this.accounts = accounts;
        this.requests = requests;
        this.hasher = hasher;
        this.policy = new PasswordPolicy(settings.passwordMinLength(), settings.passwordMaxLength());
        this.settings = settings;
        this.clock = clock;
    }

    public Account createAccount(String username, String password, String displayName, Role role, Account.Kind kind) {
        String name = Usernames.normalize("username", username);
        String display = Validate.optional("display_name", displayName, 128);
        String hash = null;
        if (kind == Account.Kind.HUMAN) {
            policy.check("password", password);
            hash = hasher.hash(password);
        } else if (password != null && !password.isEmpty()) {
            throw ApiException.invalid("password", "service accounts authenticate with API keys and have no password");
        }
        Instant now = clock.instant();
        Account account = new Account(Ids.newId(), name, display, role, kind, hash, true, false, null, 0, 0,
                settings.defaultLimits(), now, now, null);
        try {
            accounts.insert(account);
        } catch (DataAccessException e) {
            if (e.isDuplicateKey()) {
                throw ApiException.alreadyExists("USERNAME_TAKEN", "username '" + name + "' is taken");
            }
            throw e;
        }
        return accounts.byId(account.id()).orElseThrow();
    }

    public Decided decideReset(AccountRequestStore.ResetRequest request, boolean approve, String adminId, String note,
                               Instant tokenExpiresAt) {
        String token = approve ? Secrets.randomToken(32) : null;
        boolean decided = requests.decideReset(request.id(), approve, adminId, note,
                token == null ? null : CredentialResolver.sha256(token), approve ? tokenExpiresAt : null, clock.instant());
        if (!decided) {
            throw ApiException.failedPrecondition("ALREADY_DECIDED", "the request was already decided");
        }
        return new Decided(requests.reset(request.id()).orElseThrow(), token);
    }

    public IssuedKey newApiKey() {
        ApiKeyFormat.NewKey key = ApiKeyFormat.generate();
        return new IssuedKey(key.prefix(), key.full(), CredentialResolver.sha256(key.full()));
    }
}
