package io.ret.server.auth;

import java.time.Instant;

import io.ret.api.v1.LimitRequest;
import io.ret.api.v1.RequestStatus;
import io.ret.api.v1.Role;
import io.ret.api.v1.User;
import io.ret.api.v1.UserKind;
import io.ret.api.v1.UserLimits;
import io.ret.server.platform.grpc.Protos;

/** Accounts and requests as ret.v1 messages; shared by AuthService and AdminService. */
public final class AccountProtos {
    private AccountProtos() {
    }

    public static User user(Account a) {
        User.Builder user = User.newBuilder()
                .setId(a.id())
                .setUsername(a.username())
                .setDisplayName(a.displayName())
                .setRole(role(a.role()))
                .setKind(a.kind() == Account.Kind.SERVICE ? UserKind.USER_KIND_SERVICE : UserKind.USER_KIND_HUMAN)
                .setActive(a.active())
                .setLocked(a.locked())
                .setLimits(limits(a.limits()))
                .setCreateTime(Protos.timestamp(a.createdAt()));
        Protos.setIfPresent(a.lastLoginAt(), user::setLastLoginTime);
        if (a.lockedUntil() != null && a.lockedUntil().isAfter(Instant.now())) {
            user.setLockedUntil(Protos.timestamp(a.lockedUntil()));
        }
        return user.build();
    }

    public static Role role(io.ret.server.platform.security.Role role) {
        return role == io.ret.server.platform.security.Role.ADMIN ? Role.ROLE_ADMIN : Role.ROLE_USER;
    }

    public static UserLimits limits(Account.Limits l) {
        return UserLimits.newBuilder().setMaxSessions(l.maxSessions()).setMaxUploadBytes(l.maxUploadBytes())
                .setMaxLoginSessions(l.maxLoginSessions()).build();
    }

    public static Account.Limits limits(UserLimits l) {
        return new Account.Limits(l.getMaxSessions(), l.getMaxUploadBytes(), l.getMaxLoginSessions());
    }

    public static RequestStatus status(AccountRequestStore.Status s) {
        return switch (s) {
            case PENDING -> RequestStatus.REQUEST_STATUS_PENDING;
            case APPROVED -> RequestStatus.REQUEST_STATUS_APPROVED;
            case REJECTED -> RequestStatus.REQUEST_STATUS_REJECTED;
            case COMPLETED -> RequestStatus.REQUEST_STATUS_COMPLETED;
        };
    }

    /** Null for UNSPECIFIED (no filter). */
    public static AccountRequestStore.Status status(RequestStatus s) {
        return switch (s) {
            case REQUEST_STATUS_PENDING -> AccountRequestStore.Status.PENDING;
            case REQUEST_STATUS_APPROVED -> AccountRequestStore.Status.APPROVED;
            case REQUEST_STATUS_REJECTED -> AccountRequestStore.Status.REJECTED;
            case REQUEST_STATUS_COMPLETED -> AccountRequestStore.Status.COMPLETED;
            default -> null;
        };
    }

    public static LimitRequest limitRequest(AccountRequestStore.LimitRequest r) {
        LimitRequest.Builder out = LimitRequest.newBuilder()
                .setId(r.id())
                .setUserId(r.userId())
                .setUsername(r.username())
                .setRequested(limits(r.requested()))
                .setReason(r.reason())
                .setStatus(status(r.status()))
                .setDecidedBy(Protos.nullToEmpty(r.decidedBy()))
                .setDecisionNote(Protos.nullToEmpty(r.decisionNote()))
                .setCreateTime(Protos.timestamp(r.createdAt()));
        Protos.setIfPresent(r.decidedAt(), out::setDecideTime);
        return out.build();
    }
}
