package io.ret.server.cli;

import java.util.Locale;

import com.google.protobuf.FieldMask;
import io.ret.api.v1.AdminServiceGrpc;
import io.ret.api.v1.ApiKey;
import io.ret.api.v1.AuditEvent;
import io.ret.api.v1.CreateApiKeyRequest;
import io.ret.api.v1.CreateApiKeyResponse;
import io.ret.api.v1.CreateUserRequest;
import io.ret.api.v1.DecideLimitRequestRequest;
import io.ret.api.v1.DeleteUserRequest;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ForceLogoutRequest;
import io.ret.api.v1.LimitRequest;
import io.ret.api.v1.ListApiKeysRequest;
import io.ret.api.v1.ListApiKeysResponse;
import io.ret.api.v1.ListAuditEventsRequest;
import io.ret.api.v1.ListAuditEventsResponse;
import io.ret.api.v1.ListLimitRequestsRequest;
import io.ret.api.v1.ListLimitRequestsResponse;
import io.ret.api.v1.ListUsersRequest;
import io.ret.api.v1.ListUsersResponse;
import io.ret.api.v1.RevokeApiKeyRequest;
import io.ret.api.v1.Role;
import io.ret.api.v1.SetUserLimitsRequest;
import io.ret.api.v1.UpdateUserRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.UserKind;
import io.ret.api.v1.UserLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ret admin users|apikeys|audit|limits}: the common admin calls. A USER is an id or a username. */
@Command(name = "admin", description = "Administration (admins only): users, API keys, audit log, limits.",
        subcommands = {AdminCommands.Users.class, AdminCommands.ApiKeys.class, AdminCommands.Audit.class,
                AdminCommands.Limits.class})
final class AdminCommands {
    private AdminCommands() {
    }

    static AdminServiceGrpc.AdminServiceBlockingStub admin(RetClient client) {
        return client.call(AdminServiceGrpc::newBlockingStub);
    }

    /** The user with this id, else with exactly this username. */
    static User user(RetClient client, String idOrName) {
        ListUsersResponse users = admin(client).listUsers(ListUsersRequest.newBuilder().setPageSize(200)
                .setUsernamePrefix(idOrName).build());
        return users.getUsersList().stream().filter(u -> u.getUsername().equals(idOrName)).findFirst()
                .orElseGet(() -> admin(client).getUser(io.ret.api.v1.GetUserRequest.newBuilder().setUserId(idOrName).build()));
    }

    static void show(User u, Output out) {
        out.textf("%-36s  %-20s  %-5s  %-7s  %s%s%n", u.getId(), u.getUsername(),
                Output.name(u.getRole(), "ROLE_").toLowerCase(Locale.ROOT),
                Output.name(u.getKind(), "USER_KIND_").toLowerCase(Locale.ROOT),
                u.getActive() ? "active" : "inactive", u.getLocked() ? ", locked" : "");
    }

    @Command(name = "users", description = "list, create, get, lock, unlock, logout, delete",
            subcommands = {Users.List.class, Users.Create.class, Users.Get.class, Users.Lock.class, Users.Unlock.class,
                    Users.Logout.class, Users.Delete.class})
    static final class Users {
        @Command(name = "list")
        static final class List extends ClientCommand {
            @Option(names = "--prefix", description = "Usernames starting with this.") String prefix;

            List(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                ListUsersResponse users = admin(client).listUsers(ListUsersRequest.newBuilder().setPageSize(200)
                        .setUsernamePrefix(prefix == null ? "" : prefix).build());
                out.document(users);
                users.getUsersList().forEach(u -> show(u, out));
                return ExitCodes.OK;
            }
        }

        @Command(name = "create", description = "A person (password from standard input) or, with --service, a service account.")
        static final class Create extends ClientCommand {
            @Parameters(paramLabel = "USERNAME") String username;
            @Option(names = "--admin", description = "With the admin role.") boolean adminRole;
            @Option(names = "--service", description = "A service account (API keys only, no password).") boolean service;
            @Option(names = "--password-stdin", description = "Read the password from standard input (else asked for).")
            boolean passwordStdin;
            @Option(names = "--display-name") String displayName;

            Create(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                CreateUserRequest.Builder request = CreateUserRequest.newBuilder().setUsername(username)
                        .setRole(adminRole ? Role.ROLE_ADMIN : Role.ROLE_USER)
                        .setKind(service ? UserKind.USER_KIND_SERVICE : UserKind.USER_KIND_HUMAN)
                        .setDisplayName(displayName == null ? "" : displayName);
                if (!service) {
                    String password = passwordStdin ? context.readLine()
                            : context.passwords().read("password for " + username + ": ").map(String::new).orElse(null);
                    if (password == null || password.isEmpty()) {
                        throw new CliException(ExitCodes.USAGE, "no password given (use --password-stdin without a terminal)");
                    }
                    request.setPassword(password);
                }
                User user = admin(client).createUser(request.build());
                out.document(user);
                show(user, out);
                return ExitCodes.OK;
            }
        }

        @Command(name = "get")
        static final class Get extends ClientCommand {
            @Parameters(paramLabel = "USER") String user;

            Get(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                User u = user(client, user);
                out.document(u);
                show(u, out);
                out.textf("  limits: %d sessions, %d bytes per upload, %d devices; last login %s%n",
                        u.getLimits().getMaxSessions(), u.getLimits().getMaxUploadBytes(),
                        u.getLimits().getMaxLoginSessions(), Output.time(u.getLastLoginTime()));
                return ExitCodes.OK;
            }
        }

        abstract static class SetLocked extends ClientCommand {
            @Parameters(paramLabel = "USER") String user;

            SetLocked(CliContext context) {
                super(context);
            }

            abstract boolean locked();

            @Override
            protected int run(RetClient client, Output out) {
                User u = user(client, user);
                User updated = admin(client).updateUser(UpdateUserRequest.newBuilder()
                        .setUser(User.newBuilder().setId(u.getId()).setLocked(locked()))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("locked")).build());
                out.document(updated);
                show(updated, out);
                return ExitCodes.OK;
            }
        }

        @Command(name = "lock", description = "Lock a user: their sign-ins end at once.")
        static final class Lock extends SetLocked {
            Lock(CliContext context) {
                super(context);
            }

            @Override
            boolean locked() {
                return true;
            }
        }

        @Command(name = "unlock")
        static final class Unlock extends SetLocked {
            Unlock(CliContext context) {
                super(context);
            }

            @Override
            boolean locked() {
                return false;
            }
        }

        @Command(name = "logout", description = "End every sign-in of a user.")
        static final class Logout extends ClientCommand {
            @Parameters(paramLabel = "USER") String user;

            Logout(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                var response = admin(client).forceLogout(ForceLogoutRequest.newBuilder().setUserId(user(client, user).getId()).build());
                out.document(response);
                out.text("ended " + response.getSessionsRevoked() + " sign-in(s) of " + user);
                return ExitCodes.OK;
            }
        }

        @Command(name = "delete")
        static final class Delete extends ClientCommand {
            @Parameters(paramLabel = "USER") String user;

            Delete(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                out.document(admin(client).deleteUser(DeleteUserRequest.newBuilder().setUserId(user(client, user).getId()).build()));
                out.text("deleted " + user);
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "apikeys", description = "API keys of service accounts: list, create, revoke.",
            subcommands = {ApiKeys.List.class, ApiKeys.Create.class, ApiKeys.Revoke.class})
    static final class ApiKeys {
        static void show(ApiKey k, Output out) {
            out.textf("%-36s  %-12s  %-36s  %s%s%n", k.getId(), k.getPrefix() + "…", k.getServiceAccountId(),
                    k.getDescription(), k.hasRevokeTime() ? "  (revoked " + Output.time(k.getRevokeTime()) + ")" : "");
        }

        @Command(name = "list")
        static final class List extends ClientCommand {
            @Option(names = "--account", paramLabel = "USER") String account;
            @Option(names = "--revoked", description = "Include revoked keys.") boolean revoked;

            List(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                ListApiKeysResponse keys = admin(client).listApiKeys(ListApiKeysRequest.newBuilder().setPageSize(200)
                        .setServiceAccountId(account == null ? "" : user(client, account).getId())
                        .setIncludeRevoked(revoked).build());
                out.document(keys);
                keys.getApiKeysList().forEach(k -> show(k, out));
                return ExitCodes.OK;
            }
        }

        @Command(name = "create", description = "A key for a service account; the secret is shown once.")
        static final class Create extends ClientCommand {
            @Parameters(paramLabel = "SERVICE-ACCOUNT") String account;
            @Option(names = "--description") String description;

            Create(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                CreateApiKeyResponse created = admin(client).createApiKey(CreateApiKeyRequest.newBuilder()
                        .setServiceAccountId(user(client, account).getId())
                        .setDescription(description == null ? "" : description).build());
                out.document(created);
                show(created.getApiKey(), out);
                out.text("secret (shown once; use it as RET_API_KEY): " + created.getSecret());
                return ExitCodes.OK;
            }
        }

        @Command(name = "revoke")
        static final class Revoke extends ClientCommand {
            @Parameters(paramLabel = "KEY-ID") String keyId;

            Revoke(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                ApiKey key = admin(client).revokeApiKey(RevokeApiKeyRequest.newBuilder().setApiKeyId(keyId).build());
                out.document(key);
                show(key, out);
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "audit", description = "The audit log, newest first.")
    static final class Audit extends ClientCommand {
        @Option(names = "--user", paramLabel = "USER-ID") String userId;
        @Option(names = "--action", description = "e.g. login.failed") String action;
        @Option(names = "--correlation-id") String correlationId;
        @Option(names = "--limit", defaultValue = "50") int limit;

        Audit(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            ListAuditEventsResponse events = admin(client).listAuditEvents(ListAuditEventsRequest.newBuilder()
                    .setPageSize(Math.clamp(limit, 1, 200)).setFilter(EventFilter.newBuilder()
                            .setUserId(userId == null ? "" : userId).setAction(action == null ? "" : action)
                            .setCorrelationId(correlationId == null ? "" : correlationId)).build());
            out.document(events);
            for (AuditEvent e : events.getEventsList()) {
                out.textf("%s  %-16s  %-20s  %-8s  %s  %s%n", Output.time(e.getTime()), e.getActorName(), e.getAction(),
                        e.getOutcome(), e.getTarget(), e.getCorrelationId());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "limits", description = "Users' limits: set, requests, decide.",
            subcommands = {Limits.Set.class, Limits.Requests.class, Limits.Decide.class})
    static final class Limits {
        @Command(name = "set", description = "Set a user's limits (options left out keep their value).")
        static final class Set extends ClientCommand {
            @Parameters(paramLabel = "USER") String user;
            @Option(names = "--sessions") Integer sessions;
            @Option(names = "--upload-bytes") Long uploadBytes;
            @Option(names = "--devices") Integer devices;

            Set(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                User u = user(client, user);
                UserLimits now = u.getLimits();
                User updated = admin(client).setUserLimits(SetUserLimitsRequest.newBuilder().setUserId(u.getId())
                        .setLimits(UserLimits.newBuilder()
                                .setMaxSessions(sessions != null ? sessions : now.getMaxSessions())
                                .setMaxUploadBytes(uploadBytes != null ? uploadBytes : now.getMaxUploadBytes())
                                .setMaxLoginSessions(devices != null ? devices : now.getMaxLoginSessions())).build());
                out.document(updated);
                out.textf("%s: %d sessions, %d bytes per upload, %d devices%n", updated.getUsername(),
                        updated.getLimits().getMaxSessions(), updated.getLimits().getMaxUploadBytes(),
                        updated.getLimits().getMaxLoginSessions());
                return ExitCodes.OK;
            }
        }

        @Command(name = "requests", description = "Requests for higher limits.")
        static final class Requests extends ClientCommand {
            Requests(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                ListLimitRequestsResponse requests = admin(client).listLimitRequests(
                        ListLimitRequestsRequest.newBuilder().setPageSize(200).build());
                out.document(requests);
                for (LimitRequest r : requests.getRequestsList()) {
                    out.textf("%-36s  %-16s  %-9s  sessions %d, upload %d, devices %d  %s%n", r.getId(), r.getUsername(),
                            Output.name(r.getStatus(), "REQUEST_STATUS_"), r.getRequested().getMaxSessions(),
                            r.getRequested().getMaxUploadBytes(), r.getRequested().getMaxLoginSessions(), r.getReason());
                }
                return ExitCodes.OK;
            }
        }

        @Command(name = "decide", description = "Approve or reject a limit request.")
        static final class Decide extends ClientCommand {
            @Parameters(paramLabel = "REQUEST-ID") String requestId;
            @Option(names = "--approve") boolean approve;
            @Option(names = "--reject") boolean reject;
            @Option(names = "--note") String note;

            Decide(CliContext context) {
                super(context);
            }

            @Override
            protected int run(RetClient client, Output out) {
                if (approve == reject) {
                    throw new CliException(ExitCodes.USAGE, "give exactly one of --approve and --reject");
                }
                LimitRequest decided = admin(client).decideLimitRequest(DecideLimitRequestRequest.newBuilder()
                        .setRequestId(requestId).setApprove(approve).setNote(note == null ? "" : note).build());
                out.document(decided);
                out.text(decided.getUsername() + ": " + Output.name(decided.getStatus(), "REQUEST_STATUS_"));
                return ExitCodes.OK;
            }
        }
    }
}
