package io.ret.server.auth;

import io.grpc.stub.StreamObserver;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.AuthTokens;
import io.ret.api.v1.ChangePasswordRequest;
import io.ret.api.v1.ChangePasswordResponse;
import io.ret.api.v1.ConfirmPasswordResetRequest;
import io.ret.api.v1.ConfirmPasswordResetResponse;
import io.ret.api.v1.GetJwksRequest;
import io.ret.api.v1.GetJwksResponse;
import io.ret.api.v1.LimitRequest;
import io.ret.api.v1.ListLoginSessionsRequest;
import io.ret.api.v1.ListLoginSessionsResponse;
import io.ret.api.v1.ListMyLimitRequestsRequest;
import io.ret.api.v1.ListMyLimitRequestsResponse;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.LoginSession;
import io.ret.api.v1.LogoutRequest;
import io.ret.api.v1.LogoutResponse;
import io.ret.api.v1.RefreshTokenRequest;
import io.ret.api.v1.RequestLimitIncreaseRequest;
import io.ret.api.v1.RequestPasswordResetRequest;
import io.ret.api.v1.RequestPasswordResetResponse;
import io.ret.api.v1.RevokeLoginSessionRequest;
import io.ret.api.v1.RevokeLoginSessionResponse;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.platform.api.Page;
import io.ret.server.platform.grpc.Protos;
import io.ret.server.platform.grpc.RequestContext;
import static io.ret.server.platform.grpc.Unary.reply;
import io.ret.server.platform.security.Principal;

/** ret.v1.AuthService over {@link Accounts}. */
public final class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {
    private final Accounts accounts;
    private final String jwks;

    public AuthGrpcService(Accounts accounts, SigningKeys keys) {
        this.accounts = accounts;
        this.jwks = keys.publicKeys().toString();
    }

    @Override
    public void login(LoginRequest request, StreamObserver<AuthTokens> response) {
        reply(response, tokens(accounts.login(request.getUsername(), request.getPassword(), RequestContext.peer(),
                RequestContext.userAgent())));
    }

    @Override
    public void refreshToken(RefreshTokenRequest request, StreamObserver<AuthTokens> response) {
        reply(response, tokens(accounts.refresh(request.getRefreshToken())));
    }

    @Override
    public void logout(LogoutRequest request, StreamObserver<LogoutResponse> response) {
        accounts.logout(RequestContext.requirePrincipal());
        reply(response, LogoutResponse.getDefaultInstance());
    }

    @Override
    public void whoAmI(WhoAmIRequest request, StreamObserver<User> response) {
        reply(response, AccountProtos.user(accounts.whoAmI(RequestContext.requirePrincipal())));
    }

    @Override
    public void changePassword(ChangePasswordRequest request, StreamObserver<ChangePasswordResponse> response) {
        accounts.changePassword(RequestContext.requirePrincipal(), request.getCurrentPassword(), request.getNewPassword());
        reply(response, ChangePasswordResponse.getDefaultInstance());
    }

    @Override
    public void listLoginSessions(ListLoginSessionsRequest request, StreamObserver<ListLoginSessionsResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        ListLoginSessionsResponse.Builder out = ListLoginSessionsResponse.newBuilder();
        for (LoginSessionStore.LoginSession s : accounts.loginSessions(principal)) {
            out.addSessions(LoginSession.newBuilder()
                    .setId(s.id())
                    .setIpAddress(Protos.nullToEmpty(s.ipAddress()))
                    .setUserAgent(Protos.nullToEmpty(s.userAgent()))
                    .setCreateTime(Protos.timestamp(s.createdAt()))
                    .setLastUsedTime(Protos.timestamp(s.lastUsedAt()))
                    .setExpireTime(Protos.timestamp(s.expiresAt()))
                    .setCurrent(s.id().equals(principal.credentialId())));
        }
        reply(response, out.build());
    }

    @Override
    public void revokeLoginSession(RevokeLoginSessionRequest request, StreamObserver<RevokeLoginSessionResponse> response) {
        accounts.revokeLoginSession(RequestContext.requirePrincipal(), request.getLoginSessionId());
        reply(response, RevokeLoginSessionResponse.getDefaultInstance());
    }

    @Override
    public void requestPasswordReset(RequestPasswordResetRequest request,
                                     StreamObserver<RequestPasswordResetResponse> response) {
        accounts.requestPasswordReset(request.getUsername(), request.getReason());
        reply(response, RequestPasswordResetResponse.getDefaultInstance());
    }

    @Override
    public void confirmPasswordReset(ConfirmPasswordResetRequest request,
                                     StreamObserver<ConfirmPasswordResetResponse> response) {
        accounts.confirmPasswordReset(request.getUsername(), request.getResetToken(), request.getNewPassword());
        reply(response, ConfirmPasswordResetResponse.getDefaultInstance());
    }

    @Override
    public void requestLimitIncrease(RequestLimitIncreaseRequest request, StreamObserver<LimitRequest> response) {
        reply(response, AccountProtos.limitRequest(accounts.requestLimitIncrease(RequestContext.requirePrincipal(),
                AccountProtos.limits(request.getRequested()), request.getReason())));
    }

    @Override
    public void listMyLimitRequests(ListMyLimitRequestsRequest request,
                                    StreamObserver<ListMyLimitRequestsResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        Page<AccountRequestStore.LimitRequest> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> accounts.myLimitRequests(principal, before, limit), AccountRequestStore.LimitRequest::id);
        ListMyLimitRequestsResponse.Builder out = ListMyLimitRequestsResponse.newBuilder()
                .setNextPageToken(page.nextPageToken());
        page.items().forEach(r -> out.addRequests(AccountProtos.limitRequest(r)));
        reply(response, out.build());
    }

    @Override
    public void getJwks(GetJwksRequest request, StreamObserver<GetJwksResponse> response) {
        reply(response, GetJwksResponse.newBuilder().setJwksJson(jwks).build());
    }

    private static AuthTokens tokens(Accounts.Tokens t) {
        return AuthTokens.newBuilder()
                .setAccessToken(t.accessToken())
                .setAccessTokenExpireTime(Protos.timestamp(t.accessExpiresAt()))
                .setRefreshToken(t.refreshToken())
                .setRefreshTokenExpireTime(Protos.timestamp(t.refreshExpiresAt()))
                .setTokenType("Bearer")
                .setUser(AccountProtos.user(t.account()))
                .build();
    }
}
