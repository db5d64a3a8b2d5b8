package io.ret.server.admin;

import java.util.Optional;

import io.grpc.stub.StreamObserver;
import io.ret.api.v1.AdminServiceGrpc;
import io.ret.api.v1.ApiKey;
import io.ret.api.v1.AuditEvent;
import io.ret.api.v1.CreateApiKeyRequest;
import io.ret.api.v1.CreateApiKeyResponse;
import io.ret.api.v1.CreateUserRequest;
import io.ret.api.v1.DecideLimitRequestRequest;
import io.ret.api.v1.DecidePasswordResetRequestRequest;
import io.ret.api.v1.DecidePasswordResetRequestResponse;
import io.ret.api.v1.DeleteUserRequest;
import io.ret.api.v1.DeleteUserResponse;
import io.ret.api.v1.ErrorEvent;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ForceLogoutRequest;
import io.ret.api.v1.ForceLogoutResponse;
import io.ret.api.v1.GetUserRequest;
import io.ret.api.v1.LimitRequest;
import io.ret.api.v1.ListApiKeysRequest;
import io.ret.api.v1.ListApiKeysResponse;
import io.ret.api.v1.ListAuditEventsRequest;
import io.ret.api.v1.ListAuditEventsResponse;
import io.ret.api.v1.ListErrorEventsRequest;
import io.ret.api.v1.ListErrorEventsResponse;
import io.ret.api.v1.ListLimitRequestsRequest;
import io.ret.api.v1.ListLimitRequestsResponse;
import io.ret.api.v1.ListOpsEventsRequest;
import io.ret.api.v1.ListOpsEventsResponse;
import io.ret.api.v1.ListPasswordResetRequestsRequest;
import io.ret.api.v1.ListPasswordResetRequestsResponse;
import io.ret.api.v1.ListUsersRequest;
import io.ret.api.v1.ListUsersResponse;
import io.ret.api.v1.OpsEvent;
import io.ret.api.v1.PasswordResetRequest;
import io.ret.api.v1.RevokeApiKeyRequest;
import io.ret.api.v1.Role;
import io.ret.api.v1.SetUserLimitsRequest;
import io.ret.api.v1.UpdateUserRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.UserKind;
import io.ret.server.auth.Account;
import io.ret.server.auth.AccountProtos;
import io.ret.server.auth.AccountRequestStore;
import io.ret.server.auth.AccountStore;
import io.ret.server.auth.ApiKeyStore;
import io.ret.server.auth.Credentials;
import io.ret.server.platform.api.Page;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.events.AuditLog;
import io.ret.server.platform.events.ErrorLog;
import io.ret.server.platform.events.OpsLog;
import io.ret.server.platform.grpc.Protos;
import io.ret.server.platform.grpc.RequestContext;
import static io.ret.server.platform.grpc.Unary.reply;

/** ret.v1.AdminService: accounts, requests, API keys and the three event logs. */
public final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {
    private final AccountAdministration admin;
    private final AuditLog audit;
    private final OpsLog ops;
    private final ErrorLog errors;

    public AdminGrpcService(AccountAdministration admin, AuditLog audit, OpsLog ops, ErrorLog errors) {
        this.admin = admin;
        this.audit = audit;
        this.ops = ops;
        this.errors = errors;
    }

    @Override
    public void createUser(CreateUserRequest request, StreamObserver<User> response) {
        Account.Kind kind = request.getKind() == UserKind.USER_KIND_SERVICE ? Account.Kind.SERVICE : Account.Kind.HUMAN;
        reply(response, AccountProtos.user(admin.createUser(request.getUsername(), request.getPassword(),
                request.getDisplayName(), role(request.getRole(), "role", true), kind)));
    }

    @Override
    public void getUser(GetUserRequest request, StreamObserver<User> response) {
        reply(response, AccountProtos.user(admin.user(request.getUserId())));
    }

    @Override
    public void updateUser(UpdateUserRequest request, StreamObserver<User> response) {
        User user = request.getUser();
        if (request.getUpdateMask().getPathsCount() == 0) {
            throw ApiException.invalid("update_mask", "names no field to update");
        }
        Optional<String> displayName = Optional.empty();
        Optional<io.ret.server.platform.security.Role> role = Optional.empty();
        Optional<Boolean> active = Optional.empty();
        Optional<Boolean> locked = Optional.empty();
        for (String path : request.getUpdateMask().getPathsList()) {
            switch (path) {
                case "display_name" -> displayName = Optional.of(user.getDisplayName());
                case "role" -> role = Optional.of(role(user.getRole(), "user.role", false));
                case "active" -> active = Optional.of(user.getActive());
                case "locked" -> locked = Optional.of(user.getLocked());
                default -> throw ApiException.invalid("update_mask", "field '" + path
                        + "' cannot be updated (display_name, role, active, locked)");
            }
        }
        reply(response, AccountProtos.user(admin.update(RequestContext.requirePrincipal(), user.getId(),
                new AccountAdministration.Update(displayName, role, active, locked))));
    }

    @Override
    public void deleteUser(DeleteUserRequest request, StreamObserver<DeleteUserResponse> response) {
        admin.delete(RequestContext.requirePrincipal(), request.getUserId());
        reply(response, DeleteUserResponse.getDefaultInstance());
    }

    @Override
    public void listUsers(ListUsersRequest request, StreamObserver<ListUsersResponse> response) {
        var filter = new AccountStore.Filter(
                Validate.optional("username_prefix", request.getUsernamePrefix(), 64).toLowerCase(java.util.Locale.ROOT),
                request.getRole() == Role.ROLE_UNSPECIFIED ? null : role(request.getRole(), "role", false),
                switch (request.getKind()) {
                    case USER_KIND_HUMAN -> Account.Kind.HUMAN;
                    case USER_KIND_SERVICE -> Account.Kind.SERVICE;
                    default -> null;
                },
                tristate("active", request.getActive()),
                tristate("locked", request.getLocked()));
        Page<Account> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> admin.list(filter, before, limit), Account::id);
        ListUsersResponse.Builder out = ListUsersResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(a -> out.addUsers(AccountProtos.user(a)));
        reply(response, out.build());
    }

    @Override
    public void forceLogout(ForceLogoutRequest request, StreamObserver<ForceLogoutResponse> response) {
        reply(response, ForceLogoutResponse.newBuilder().setSessionsRevoked(admin.forceLogout(request.getUserId())).build());
    }

    @Override
    public void setUserLimits(SetUserLimitsRequest request, StreamObserver<User> response) {
        reply(response, AccountProtos.user(admin.setLimits(request.getUserId(), AccountProtos.limits(request.getLimits()))));
    }

    @Override
    public void listLimitRequests(ListLimitRequestsRequest request, StreamObserver<ListLimitRequestsResponse> response) {
        AccountRequestStore.Status status = AccountProtos.status(request.getStatus());
        String userId = request.getUserId().isEmpty() ? null : Validate.id("user_id", request.getUserId());
        Page<AccountRequestStore.LimitRequest> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> admin.limitRequests(status, userId, before, limit), AccountRequestStore.LimitRequest::id);
        ListLimitRequestsResponse.Builder out = ListLimitRequestsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(r -> out.addRequests(AccountProtos.limitRequest(r)));
        reply(response, out.build());
    }

    @Override
    public void decideLimitRequest(DecideLimitRequestRequest request, StreamObserver<LimitRequest> response) {
        reply(response, AccountProtos.limitRequest(admin.decideLimitRequest(RequestContext.requirePrincipal(),
                request.getRequestId(), request.getApprove(), request.getNote())));
    }

    @Override
    public void listPasswordResetRequests(ListPasswordResetRequestsRequest request,
                                          StreamObserver<ListPasswordResetRequestsResponse> response) {
        AccountRequestStore.Status status = AccountProtos.status(request.getStatus());
        String userId = request.getUserId().isEmpty() ? null : Validate.id("user_id", request.getUserId());
        Page<AccountRequestStore.ResetRequest> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> admin.resetRequests(status, userId, before, limit), AccountRequestStore.ResetRequest::id);
        ListPasswordResetRequestsResponse.Builder out = ListPasswordResetRequestsResponse.newBuilder()
                .setNextPageToken(page.nextPageToken());
        page.items().forEach(r -> out.addRequests(resetRequest(r)));
        reply(response, out.build());
    }

    @Override
    public void decidePasswordResetRequest(DecidePasswordResetRequestRequest request,
                                           StreamObserver<DecidePasswordResetRequestResponse> response) {
        Credentials.Decided decided = admin.decideResetRequest(RequestContext.requirePrincipal(), request.getRequestId(),
                request.getApprove(), request.getNote());
        reply(response, DecidePasswordResetRequestResponse.newBuilder()
                .setRequest(resetRequest(decided.request()))
                .setResetToken(Protos.nullToEmpty(decided.resetToken()))
                .build());
    }

    @Override
    public void createApiKey(CreateApiKeyRequest request, StreamObserver<CreateApiKeyResponse> response) {
        AccountAdministration.NewApiKey key = admin.createApiKey(RequestContext.requirePrincipal(),
                request.getServiceAccountId(), request.getDescription(), Protos.instant(request.getExpireTime()));
        reply(response, CreateApiKeyResponse.newBuilder().setApiKey(apiKey(key.key())).setSecret(key.secret()).build());
    }

    @Override
    public void listApiKeys(ListApiKeysRequest request, StreamObserver<ListApiKeysResponse> response) {
        String account = request.getServiceAccountId().isEmpty() ? null
                : Validate.id("service_account_id", request.getServiceAccountId());
        Page<ApiKeyStore.ApiKey> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> admin.apiKeys(account, request.getIncludeRevoked(), before, limit),
                ApiKeyStore.ApiKey::id);
        ListApiKeysResponse.Builder out = ListApiKeysResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(k -> out.addApiKeys(apiKey(k)));
        reply(response, out.build());
    }

    @Override
    public void revokeApiKey(RevokeApiKeyRequest request, StreamObserver<ApiKey> response) {
        reply(response, apiKey(admin.revokeApiKey(request.getApiKeyId())));
    }

    @Override
    public void listAuditEvents(ListAuditEventsRequest request, StreamObserver<ListAuditEventsResponse> response) {
        var filter = filter(request.getFilter());
        Page<AuditLog.Event> page = Page.ofLong(request.getPageSize(), request.getPageToken(),
                (before, limit) -> audit.list(filter, before, limit), AuditLog.Event::id);
        ListAuditEventsResponse.Builder out = ListAuditEventsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        for (AuditLog.Event e : page.items()) {
            out.addEvents(AuditEvent.newBuilder()
                    .setId(e.id())
                    .setTime(Protos.timestamp(e.time()))
                    .setActorId(Protos.nullToEmpty(e.actorId()))
                    .setActorName(Protos.nullToEmpty(e.actorName()))
                    .setArea(e.area())
                    .setAction(e.action())
                    .setTarget(Protos.nullToEmpty(e.target()))
                    .setOutcome(e.outcome().name().toLowerCase(java.util.Locale.ROOT))
                    .setPeerAddress(Protos.nullToEmpty(e.peerAddress()))
                    .setCorrelationId(Protos.nullToEmpty(e.correlationId()))
                    .setDetail(Protos.nullToEmpty(e.detail())));
        }
        reply(response, out.build());
    }

    @Override
    public void listOpsEvents(ListOpsEventsRequest request, StreamObserver<ListOpsEventsResponse> response) {
        var filter = filter(request.getFilter());
        Page<OpsLog.Event> page = Page.ofLong(request.getPageSize(), request.getPageToken(),
                (before, limit) -> ops.list(filter, before, limit), OpsLog.Event::id);
        ListOpsEventsResponse.Builder out = ListOpsEventsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        for (OpsLog.Event e : page.items()) {
            out.addEvents(OpsEvent.newBuilder()
                    .setId(e.id())
                    .setTime(Protos.timestamp(e.time()))
                    .setArea(e.area())
                    .setAction(e.action())
                    .setLevel(e.level().name().toLowerCase(java.util.Locale.ROOT))
                    .setMessage(e.message())
                    .setInstance(e.instance()));
        }
        reply(response, out.build());
    }

    @Override
    public void listErrorEvents(ListErrorEventsRequest request, StreamObserver<ListErrorEventsResponse> response) {
        var filter = filter(request.getFilter());
        Page<ErrorLog.Event> page = Page.ofLong(request.getPageSize(), request.getPageToken(),
                (before, limit) -> errors.list(filter, before, limit), ErrorLog.Event::id);
        ListErrorEventsResponse.Builder out = ListErrorEventsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        for (ErrorLog.Event e : page.items()) {
            out.addEvents(ErrorEvent.newBuilder()
                    .setId(e.id())
                    .setTime(Protos.timestamp(e.time()))
                    .setPhase(e.phase())
                    .setMethod(Protos.nullToEmpty(e.method()))
                    .setPrincipalId(Protos.nullToEmpty(e.principalId()))
                    .setErrorType(e.errorType())
                    .setMessage(Protos.nullToEmpty(e.message()))
                    .setCorrelationId(Protos.nullToEmpty(e.correlationId()))
                    .setInstance(e.instance()));
        }
        reply(response, out.build());
    }

    private static io.ret.server.platform.events.EventFilter filter(EventFilter f) {
        var from = Protos.instant(f.getStartTime());
        var to = Protos.instant(f.getEndTime());
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.invalid("filter.end_time", "must be after filter.start_time");
        }
        return new io.ret.server.platform.events.EventFilter(
                emptyToNull(Validate.optional("filter.user_id", f.getUserId(), 64)),
                emptyToNull(Validate.optional("filter.area", f.getArea(), 32)),
                emptyToNull(Validate.optional("filter.action", f.getAction(), 255)),
                from, to,
                emptyToNull(Validate.optional("filter.correlation_id", f.getCorrelationId(), 64)));
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static Boolean tristate(String field, String value) {
        return switch (value) {
            case "" -> null;
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.invalid(field, "must be \"true\", \"false\" or empty");
        };
    }

    private static io.ret.server.platform.security.Role role(Role role, String field, boolean defaultToUser) {
        return switch (role) {
            case ROLE_ADMIN -> io.ret.server.platform.security.Role.ADMIN;
            case ROLE_USER -> io.ret.server.platform.security.Role.USER;
            default -> {
                if (defaultToUser) {
                    yield io.ret.server.platform.security.Role.USER;
                }
                throw ApiException.invalid(field, "must be ROLE_USER or ROLE_ADMIN");
            }
        };
    }

    private static PasswordResetRequest resetRequest(AccountRequestStore.ResetRequest r) {
        PasswordResetRequest.Builder out = PasswordResetRequest.newBuilder()
                .setId(r.id())
                .setUserId(r.userId())
                .setUsername(r.username())
                .setReason(r.reason())
                .setStatus(AccountProtos.status(r.status()))
                .setDecidedBy(Protos.nullToEmpty(r.decidedBy()))
                .setDecisionNote(Protos.nullToEmpty(r.decisionNote()))
                .setCreateTime(Protos.timestamp(r.createdAt()));
        Protos.setIfPresent(r.decidedAt(), out::setDecideTime);
        Protos.setIfPresent(r.tokenExpiresAt(), out::setTokenExpireTime);
        return out.build();
    }

    private static ApiKey apiKey(ApiKeyStore.ApiKey k) {
        ApiKey.Builder out = ApiKey.newBuilder()
                .setId(k.id())
                .setPrefix(k.prefix())
                .setServiceAccountId(k.serviceAccountId())
                .setDescription(k.description())
                .setCreateTime(Protos.timestamp(k.createdAt()))
                .setCreatedBy(Protos.nullToEmpty(k.createdBy()));
        Protos.setIfPresent(k.expiresAt(), out::setExpireTime);
        Protos.setIfPresent(k.lastUsedAt(), out::setLastUsedTime);
        Protos.setIfPresent(k.revokedAt(), out::setRevokeTime);
        return out.build();
    }
}
