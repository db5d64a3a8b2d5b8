package io.ret.server.cli;

import java.util.Locale;

import io.ret.api.v1.AdminServiceGrpc;
import io.ret.api.v1.AuditEvent;
import io.ret.api.v1.DecideLimitRequestRequest;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.LimitRequest;
import io.ret.api.v1.ListAuditEventsRequest;
import io.ret.api.v1.ListAuditEventsResponse;
import io.ret.api.v1.ListLimitRequestsRequest;
import io.ret.api.v1.ListLimitRequestsResponse;
import io.ret.api.v1.ListUsersRequest;
import io.ret.api.v1.ListUsersResponse;
import io.ret.api.v1.SetUserLimitsRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.UserLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ret admin users|apikeys|audit|limits}: the common admin calls. A USER is an id or a username. */
@Command(name = "admin", description = "Administration (admins only): users, API keys, audit log, limits.",
        subcommands = {AdminUserCommands.class, ApiKeyCommands.class, AdminCommands.Audit.class,
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
