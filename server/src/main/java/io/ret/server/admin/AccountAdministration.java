package io.ret.server.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.ret.server.auth.Account;
import io.ret.server.auth.AccountCache;
import io.ret.server.auth.AccountRequestStore;
import io.ret.server.auth.AccountStore;
import io.ret.server.auth.ApiKeyStore;
import io.ret.server.auth.AuthSettings;
import io.ret.server.auth.Credentials;
import io.ret.server.auth.LoginSessionStore;
import io.ret.server.platform.Ids;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.AuditLog;
import io.ret.server.platform.events.AuditLog.Outcome;
import io.ret.server.platform.security.Principal;
import io.ret.server.platform.security.Role;

/**
 * Admin operations on accounts. Every mutation is audited; every change that
 * reduces someone's access (lock, disable, demote, delete, force-logout)
 * ends their login sessions and access tokens at once.
 */
public final class AccountAdministration {
    public record Update(Optional<String> displayName, Optional<Role> role, Optional<Boolean> active,
                         Optional<Boolean> locked) {
    }

    public record NewApiKey(ApiKeyStore.ApiKey key, String secret) {
    }

    private final AccountStore accounts;
    private final LoginSessionStore sessions;
    private final ApiKeyStore apiKeys;
    private final AccountRequestStore requests;
    private final Credentials credentials;
    private final AccountCache cache;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final Clock clock;

    public AccountAdministration(AccountStore accounts, LoginSessionStore sessions, ApiKeyStore apiKeys,
                                 AccountRequestStore requests, Credentials credentials, AccountCache cache,
                                 AuditLog audit, AuthSettings settings, Clock clock) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
        this.requests = requests;
        this.credentials = credentials;
        this.cache = cache;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    public Account createUser(String username, String password, String displayName, Role role, Account.Kind kind) {
        Account created = credentials.createAccount(username, password, displayName, role, kind);
        audit.record("admin", "user.create", created.id(), Outcome.SUCCESS,
                "username=" + created.username() + " role=" + role + " kind=" + kind);
        return created;
    }

    public Account user(String id) {
        Validate.id("user_id", id);
        return accounts.byId(id).orElseThrow(() -> ApiException.notFound("user", id));
    }

    public Account update(Principal admin, String id, Update update) {
        Account before = user(id);
        String displayName = update.displayName().map(d -> Validate.optional("user.display_name", d, 128))
                .orElse(before.displayName());
        Role role = update.role().orElse(before.role());
        boolean active = update.active().orElse(before.active());
        boolean locked = update.locked().orElse(before.locked());
        if (admin.userId().equals(id) && (role != Role.ADMIN || !active || locked)) {
            throw ApiException.failedPrecondition("SELF_LOCKOUT", "admins cannot demote, disable or lock themselves");
        }
        boolean unlocking = update.locked().isPresent() && !locked;
        Account after = new Account(before.id(), before.username(), displayName, role, before.kind(),
                before.passwordHash(), active, locked, unlocking ? null : before.lockedUntil(),
                unlocking ? 0 : before.failedLogins(), before.tokenVersion(), before.limits(), before.createdAt(),
                before.updatedAt(), before.lastLoginAt());
        boolean lessAccess = (before.role() == Role.ADMIN && role != Role.ADMIN) || (before.active() && !active)
                || (!before.locked() && locked);
        accounts.update(after, lessAccess);
        if (lessAccess) {
            sessions.revokeAll(id, null, "access_reduced", clock.instant());
            cache.invalidateSessionsOf(id);
        }
        cache.invalidateAccount(id);
        audit.record("admin", "user.update", id, Outcome.SUCCESS, describe(before, after));
        return user(id);
    }

    public void delete(Principal admin, String id) {
        Account account = user(id);
        if (admin.userId().equals(id)) {
            throw ApiException.failedPrecondition("SELF_DELETE", "admins cannot delete themselves");
        }
        accounts.delete(id);
        cache.invalidateAccount(id);
        cache.invalidateSessionsOf(id);
        cache.invalidateApiKeys();
        audit.record("admin", "user.delete", id, Outcome.SUCCESS, "username=" + account.username());
    }

    public List<Account> list(AccountStore.Filter filter, String beforeId, int limit) {
        return accounts.list(filter, beforeId, limit);
    }

    public int forceLogout(String id) {
        Account account = user(id);
        int ended = sessions.revokeAll(account.id(), null, "force_logout", clock.instant());
        accounts.bumpTokenVersion(account.id());
        cache.invalidateAccount(account.id());
        cache.invalidateSessionsOf(account.id());
        audit.record("admin", "user.force_logout", id, Outcome.SUCCESS, ended + " login session(s) ended");
        return ended;
    }

    public Account setLimits(String id, Account.Limits limits) {
        Account account = user(id);
        checkLimits(limits);
        accounts.setLimits(account.id(), limits);
        cache.invalidateAccount(account.id());
        audit.record("admin", "user.set_limits", id, Outcome.SUCCESS, limits.toString());
        return user(id);
    }

    private static void checkLimits(Account.Limits limits) {
        if (limits.maxSessions() < 1 || limits.maxUploadBytes() < 1 || limits.maxLoginSessions() < 1) {
            throw ApiException.invalid("limits", "every limit must be at least 1");
        }
    }

    public List<AccountRequestStore.LimitRequest> limitRequests(AccountRequestStore.Status status, String userId,
                                                                String beforeId, int limit) {
        return requests.limits(status, userId, beforeId, limit);
    }

    public AccountRequestStore.LimitRequest decideLimitRequest(Principal admin, String id, boolean approve, String note) {
        Validate.id("request_id", id);
        String why = Validate.text("note", note, 1000, false);
        AccountRequestStore.LimitRequest request = requests.limit(id)
                .orElseThrow(() -> ApiException.notFound("limit request", id));
        if (!requests.decideLimit(id, approve, admin.userId(), why, clock.instant())) {
            throw ApiException.failedPrecondition("ALREADY_DECIDED", "the request was already decided");
        }
        if (approve) {
            accounts.setLimits(request.userId(), request.requested());
            cache.invalidateAccount(request.userId());
        }
        audit.record("admin", approve ? "limit_request.approve" : "limit_request.reject", id, Outcome.SUCCESS,
                "user=" + request.userId());
        return requests.limit(id).orElseThrow();
    }

    public List<AccountRequestStore.ResetRequest> resetRequests(AccountRequestStore.Status status, String userId,
                                                                String beforeId, int limit) {
        return requests.resets(status, userId, beforeId, limit);
    }

    /** Approving returns the one-time reset token; only its hash is kept. */
    public Credentials.Decided decideResetRequest(Principal admin, String id, boolean approve, String note) {
        Validate.id("request_id", id);
        String why = Validate.text("note", note, 1000, false);
        AccountRequestStore.ResetRequest request = requests.reset(id)
                .orElseThrow(() -> ApiException.notFound("password reset request", id));
        Credentials.Decided decided = credentials.decideReset(request, approve, admin.userId(), why,
                clock.instant().plus(settings.resetTokenTtl()));
        audit.record("admin", approve ? "password_reset.approve" : "password_reset.reject", id, Outcome.SUCCESS,
                "user=" + request.userId());
        return decided;
    }

    public NewApiKey createApiKey(Principal admin, String serviceAccountId, String description, Instant expiresAt) {
        Account account = user(Validate.id("service_account_id", serviceAccountId));
        if (account.kind() != Account.Kind.SERVICE) {
            throw ApiException.failedPrecondition("NOT_A_SERVICE_ACCOUNT", "API keys are issued to service accounts only");
        }
        String text = Validate.optional("description", description, 255);
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw ApiException.invalid("expire_time", "must be in the future");
        }
        Credentials.IssuedKey issued = credentials.newApiKey();
        ApiKeyStore.ApiKey key = new ApiKeyStore.ApiKey(Ids.newId(), issued.prefix(), issued.hash(), account.id(), text,
                now, admin.userId(), expiresAt, null, null);
        apiKeys.insert(key);
        audit.record("admin", "api_key.create", key.id(), Outcome.SUCCESS,
                "prefix=" + key.prefix() + " account=" + account.username());
        return new NewApiKey(apiKeys.byId(key.id()).orElseThrow(), issued.secret());
    }

    public List<ApiKeyStore.ApiKey> apiKeys(String serviceAccountId, boolean includeRevoked, String beforeId, int limit) {
        return apiKeys.list(serviceAccountId == null ? "" : serviceAccountId, includeRevoked, beforeId, limit);
    }

    public ApiKeyStore.ApiKey revokeApiKey(String id) {
        Validate.id("api_key_id", id);
        ApiKeyStore.ApiKey key = apiKeys.byId(id).orElseThrow(() -> ApiException.notFound("api key", id));
        apiKeys.revoke(key.id(), clock.instant());
        cache.invalidateApiKeys();
        audit.record("admin", "api_key.revoke", id, Outcome.SUCCESS, "prefix=" + key.prefix());
        return apiKeys.byId(id).orElseThrow();
    }

    private static String describe(Account before, Account after) {
        StringBuilder changes = new StringBuilder();
        if (before.role() != after.role()) {
            changes.append("role ").append(before.role()).append("->").append(after.role()).append(' ');
        }
        if (before.active() != after.active()) {
            changes.append("active ").append(before.active()).append("->").append(after.active()).append(' ');
        }
        if (before.locked() != after.locked() || (before.lockedUntil() != null && after.lockedUntil() == null)) {
            changes.append("locked ").append(before.locked()).append("->").append(after.locked()).append(' ');
        }
        if (!before.displayName().equals(after.displayName())) {
            changes.append("display_name changed ");
        }
        return changes.isEmpty() ? "no change" : changes.toString().strip();
    }
}
