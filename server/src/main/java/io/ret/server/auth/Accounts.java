package io.ret.server.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.Ids;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.AuditLog;
import io.ret.server.platform.events.AuditLog.Outcome;
import io.ret.server.platform.security.Principal;

/**
 * What a user does with their own account: sign in, refresh, sign out, change
 * password, list and end login sessions, ask for a password reset or higher
 * limits. Failures never tell whether a username exists.
 */
public final class Accounts {
    private static final String LOGIN_FAILED = "invalid username or password, or the account is locked";

    public record Tokens(String accessToken, Instant accessExpiresAt, String refreshToken, Instant refreshExpiresAt,
                        Account account) {
    }

    private final AccountStore accounts;
    private final LoginSessionStore sessions;
    private final AccountRequestStore requests;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final AccessTokens tokens;
    private final AccountCache cache;
    private final AuditLog audit;
    private final AuthSettings settings;
    private final LoginThrottle throttle;
    private final Clock clock;

    public Accounts(AccountStore accounts, LoginSessionStore sessions, AccountRequestStore requests,
                    PasswordHasher hasher, AccessTokens tokens, AccountCache cache, AuditLog audit,
                    AuthSettings settings, LoginThrottle throttle, Clock clock) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.requests = requests;
        this.hasher = hasher;
        this.policy = new PasswordPolicy(settings.passwordMinLength(), settings.passwordMaxLength());
        this.tokens = tokens;
        this.cache = cache;
        this.audit = audit;
        this.settings = settings;
        this.throttle = throttle;
        this.clock = clock;
    }

    public Tokens login(String username, String password, String ipAddress, String userAgent) {
        try {
            Validate.required("username", username, 64);
            policy.checkPresented("password", password);
        } catch (ApiException e) {
            audit.record(null, clip(username), "auth", "login.failed", clip(username), Outcome.DENIED,
                    "malformed request: " + e.getMessage());
            throw e;
        }
        String name = Usernames.normalizeOrNull(username);
        // throttled by the name as given, existing or not, so a refusal tells nothing about accounts
        String throttled = name != null ? name : clip(username);
        try {
            throttle.check(throttled, ipAddress);
        } catch (ApiException e) {
            audit.record(null, clip(username), "auth", "login.throttled", clip(username), Outcome.DENIED,
                    "waiting after failed logins from " + clip(ipAddress));
            throw e;
        }
        Optional<Account> found = name == null ? Optional.empty() : accounts.byUsername(name);
        Instant now = clock.instant();
        if (found.isEmpty() || found.get().passwordHash() == null) {
            hasher.verifyDummy(password);
            throttle.failed(throttled, ipAddress);
            audit.record(null, clip(username), "auth", "login.failed", clip(username), Outcome.DENIED, "unknown user");
            throw ApiException.unauthenticated("LOGIN_FAILED", LOGIN_FAILED);
        }
        Account account = found.get();
        boolean passwordOk = hasher.verify(password, account.passwordHash());
        if (!passwordOk) {
            throw failedPassword(account, throttled, ipAddress, now);
        }
        if (!account.usable(now) && !(temporarilyLockedOnly(account) && throttle.knownSource(throttled, ipAddress))) {
            audit.record(account.id(), account.username(), "auth", "login.failed", account.id(), Outcome.DENIED,
                    account.active() ? "account locked" : "account disabled");
            throw ApiException.unauthenticated("LOGIN_FAILED", LOGIN_FAILED);
        }
        throttle.succeeded(throttled, ipAddress);
        if (hasher.needsRehash(account.passwordHash())) {
            accounts.setPassword(account.id(), hasher.hash(password), false);
        }
        accounts.recordLogin(account.id(), now);
        enforceLoginSessionLimit(account, now);
        Tokens issued = openSession(account, ipAddress, userAgent, now);
        audit.record(account.id(), account.username(), "auth", "login", account.id(), Outcome.SUCCESS, null);
        return issued;
    }

    /** Counts the failure; locks the account only on evidence of a distributed attack (see LoginThrottle). */
    private ApiException failedPassword(Account account, String throttled, String ipAddress, Instant now) {
        LoginThrottle.Failure failure = throttle.failed(throttled, ipAddress);
        accounts.countFailedLogin(account.id());
        audit.record(account.id(), account.username(), "auth", "login.failed", account.id(), Outcome.DENIED,
                "wrong password (" + failure.fromSource() + " from this source, " + failure.forAccount() + " from "
                        + failure.sources() + " source(s) in the window)");
        if (throttle.distributedAttack(failure) && account.usable(now)) {
            Instant until = now.plus(throttle.policy().lockoutDuration());
            accounts.lockUntil(account.id(), until);
            cache.invalidateAccount(account.id());
            audit.record(account.id(), account.username(), "auth", "account.locked", account.id(), Outcome.SUCCESS,
                    "locked until " + until + ": " + failure.forAccount() + " failed logins from " + failure.sources()
                            + " sources (a distributed attack); sources that signed in before still may");
        }
        return ApiException.unauthenticated("LOGIN_FAILED", LOGIN_FAILED);
    }

    /** Locked only by the distributed-attack lock (not by an admin, not disabled). */
    private static boolean temporarilyLockedOnly(Account account) {
        return account.active() && !account.locked();
    }

    /** At the limit, the least recently used session ends to make room (the new login is never refused). */
    private void enforceLoginSessionLimit(Account account, Instant now) {
        List<LoginSessionStore.LoginSession> live = sessions.live(account.id(), now);
        int excess = live.size() - account.limits().maxLoginSessions() + 1;
        for (int i = 0; i < excess; i++) {
            LoginSessionStore.LoginSession oldest = live.get(i);
            sessions.revoke(oldest.id(), "session_limit", now);
            cache.invalidateSession(oldest.id());
            audit.record(account.id(), account.username(), "auth", "session.evicted", oldest.id(), Outcome.SUCCESS,
                    "login session limit " + account.limits().maxLoginSessions() + " reached");
        }
    }

    private Tokens openSession(Account account, String ipAddress, String userAgent, Instant now) {
        String refresh = Secrets.randomToken(32);
        var session = new LoginSessionStore.LoginSession(Ids.newId(), account.id(), clip(ipAddress, 64),
                clip(userAgent, 255), now, now, now.plus(settings.refreshTokenTtl()), null);
        sessions.create(session, CredentialResolver.sha256(refresh));
        Account current = accounts.byId(account.id()).orElse(account);
        AccessTokens.Issued access = tokens.issue(current.id(), current.username(), current.role(), session.id(),
                current.tokenVersion());
        return new Tokens(access.token(), access.expiresAt(), refresh, session.expiresAt(), current);
    }

    public Tokens refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 200) {
            throw ApiException.invalid("refresh_token", refreshToken == null || refreshToken.isEmpty()
                    ? "is required" : "is not a refresh token");
        }
        Instant now = clock.instant();
        String next = Secrets.randomToken(32);
        switch (sessions.rotate(CredentialResolver.sha256(refreshToken), CredentialResolver.sha256(next), now)) {
            case LoginSessionStore.Unknown unknown -> {
                audit.record(null, null, "auth", "refresh.failed", null, Outcome.DENIED, "unknown refresh token");
                throw ApiException.unauthenticated("REFRESH_TOKEN_INVALID", "refresh token is invalid; sign in again");
            }
            case LoginSessionStore.Reused reused -> {
                cache.invalidateSession(reused.session().id());
                audit.record(reused.session().userId(), null, "auth", "refresh.reuse", reused.session().id(),
                        Outcome.DENIED, "rotated refresh token presented again; login session revoked");
                throw ApiException.unauthenticated("REFRESH_TOKEN_REUSED",
                        "refresh token was already used; the login session has been ended, sign in again");
            }
            case LoginSessionStore.Ended ended -> {
                audit.record(ended.session().userId(), null, "auth", "refresh.failed", ended.session().id(),
                        Outcome.DENIED, "login session ended");
                throw ApiException.unauthenticated("SESSION_ENDED", "the login session has ended; sign in again");
            }
            case LoginSessionStore.Rotated rotated -> {
                Account account = accounts.byId(rotated.session().userId())
                        .filter(Account::mayCall)
                        .orElseThrow(() -> {
                            audit.record(rotated.session().userId(), null, "auth", "refresh.failed",
                                    rotated.session().id(), Outcome.DENIED, "account locked, disabled or gone");
                            return ApiException.unauthenticated("ACCOUNT_DISABLED", "the account is locked or disabled");
                        });
                AccessTokens.Issued access = tokens.issue(account.id(), account.username(), account.role(),
                        rotated.session().id(), account.tokenVersion());
                return new Tokens(access.token(), access.expiresAt(), next, rotated.session().expiresAt(), account);
            }
        }
    }

    public void logout(Principal principal) {
        if (principal.service()) {
            throw ApiException.failedPrecondition("NOT_A_LOGIN", "API keys have no login session to end");
        }
        sessions.revoke(principal.credentialId(), "logout", clock.instant());
        cache.invalidateSession(principal.credentialId());
        audit.record("auth", "logout", principal.credentialId(), Outcome.SUCCESS, null);
    }

    public Account whoAmI(Principal principal) {
        return accounts.byId(principal.userId())
                .orElseThrow(() -> ApiException.unauthenticated("ACCOUNT_GONE", "the account no longer exists"));
    }

    /** Sets a new password and ends every other login session of the user. */
    public void changePassword(Principal principal, String current, String next) {
        if (principal.service()) {
            throw ApiException.failedPrecondition("NOT_A_LOGIN", "service accounts have no password");
        }
        policy.checkPresented("current_password", current);
        policy.check("new_password", next);
        Account account = whoAmI(principal);
        if (account.passwordHash() == null || !hasher.verify(current, account.passwordHash())) {
            audit.record("auth", "password.change", account.id(), Outcome.DENIED, "wrong current password");
            throw ApiException.permissionDenied("WRONG_PASSWORD", "the current password is wrong");
        }
        Instant now = clock.instant();
        accounts.setPassword(account.id(), hasher.hash(next), false);
        sessions.revokeAll(account.id(), principal.credentialId(), "password_changed", now);
        cache.invalidateAccount(account.id());
        cache.invalidateSessionsOf(account.id());
        audit.record("auth", "password.change", account.id(), Outcome.SUCCESS, "other login sessions ended");
    }

    public List<LoginSessionStore.LoginSession> loginSessions(Principal principal) {
        return sessions.live(principal.userId(), clock.instant());
    }

    public void revokeLoginSession(Principal principal, String sessionId) {
        Validate.id("login_session_id", sessionId);
        LoginSessionStore.LoginSession session = sessions.byId(sessionId)
                .filter(s -> s.userId().equals(principal.userId()))
                .orElseThrow(() -> ApiException.notFound("login session", sessionId));
        sessions.revoke(session.id(), "revoked_by_user", clock.instant());
        cache.invalidateSession(session.id());
        audit.record("auth", "session.revoke", session.id(), Outcome.SUCCESS, null);
    }

    /** Files a request for an admin; the answer is the same whether or not the user exists. */
    public void requestPasswordReset(String username, String reason) {
        Validate.optional("username", username, 64);
        String why = Validate.text("reason", reason, 1000, true);
        String name = Usernames.normalizeOrNull(username);
        Optional<Account> account = name == null ? Optional.empty() : accounts.byUsername(name);
        if (account.isEmpty() || account.get().kind() != Account.Kind.HUMAN) {
            audit.record(null, clip(username), "auth", "password_reset.request", clip(username), Outcome.DENIED,
                    "unknown user");
            return;
        }
        if (requests.pendingResets(account.get().id()) > 0) {
            audit.record(account.get().id(), account.get().username(), "auth", "password_reset.request",
                    account.get().id(), Outcome.DENIED, "a request is already pending");
            return;
        }
        String id = Ids.newId();
        requests.insertReset(id, account.get().id(), why, clock.instant());
        audit.record(account.get().id(), account.get().username(), "auth", "password_reset.request", id,
                Outcome.SUCCESS, null);
    }

    /** Sets a new password with an admin-issued one-time token; ends every login session of the user. */
    public void confirmPasswordReset(String username, String resetToken, String newPassword) {
        Validate.optional("username", username, 64);
        if (resetToken == null || resetToken.isEmpty() || resetToken.length() > 200) {
            throw ApiException.invalid("reset_token", "is required");
        }
        policy.check("new_password", newPassword);
        String name = Usernames.normalizeOrNull(username);
        Instant now = clock.instant();
        Optional<Account> account = name == null ? Optional.empty() : accounts.byUsername(name);
        Optional<AccountRequestStore.ResetRequest> request = account.flatMap(a ->
                requests.approvedReset(a.id(), CredentialResolver.sha256(resetToken), now));
        if (request.isEmpty() || !requests.completeReset(request.get().id(), now)) {
            audit.record(account.map(Account::id).orElse(null), clip(username), "auth", "password_reset.confirm",
                    clip(username), Outcome.DENIED, "invalid or expired reset token");
            throw ApiException.permissionDenied("RESET_TOKEN_INVALID", "the reset token is invalid, used or expired");
        }
        Account a = account.get();
        accounts.setPassword(a.id(), hasher.hash(newPassword), true);
        int ended = sessions.revokeAll(a.id(), null, "password_reset", now);
        cache.invalidateAccount(a.id());
        cache.invalidateSessionsOf(a.id());
        audit.record(a.id(), a.username(), "auth", "password_reset.confirm", request.get().id(), Outcome.SUCCESS,
                ended + " login session(s) ended");
    }

    public AccountRequestStore.LimitRequest requestLimitIncrease(Principal principal, Account.Limits requested,
                                                                 String reason) {
        String why = Validate.text("reason", reason, 1000, true);
        if (requested.maxSessions() < 0 || requested.maxUploadBytes() < 0 || requested.maxLoginSessions() < 0) {
            throw ApiException.invalid("requested", "limits must not be negative");
        }
        Account account = whoAmI(principal);
        Account.Limits current = account.limits();
        Account.Limits wanted = new Account.Limits(
                requested.maxSessions() == 0 ? current.maxSessions() : requested.maxSessions(),
                requested.maxUploadBytes() == 0 ? current.maxUploadBytes() : requested.maxUploadBytes(),
                requested.maxLoginSessions() == 0 ? current.maxLoginSessions() : requested.maxLoginSessions());
        if (wanted.equals(current)) {
            throw ApiException.invalid("requested", "asks for no change to the current limits");
        }
        String id = Ids.newId();
        requests.insertLimit(id, account.id(), wanted, why, clock.instant());
        audit.record("auth", "limit_request.create", id, Outcome.SUCCESS, null);
        return requests.limit(id).orElseThrow();
    }

    public List<AccountRequestStore.LimitRequest> myLimitRequests(Principal principal, String beforeId, int limit) {
        return requests.limits(null, principal.userId(), beforeId, limit);
    }

    private static String clip(String s) {
        return clip(s, 64);
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return null;
        }
        String cleaned = s.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return cleaned.length() <= max ? cleaned : cleaned.substring(0, max);
    }
}
