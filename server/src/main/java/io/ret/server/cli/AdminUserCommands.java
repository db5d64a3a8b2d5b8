package io.ret.server.cli;

import com.google.protobuf.FieldMask;
import io.ret.api.v1.CreateUserRequest;
import io.ret.api.v1.DeleteUserRequest;
import io.ret.api.v1.ForceLogoutRequest;
import io.ret.api.v1.ListUsersRequest;
import io.ret.api.v1.ListUsersResponse;
import io.ret.api.v1.Role;
import io.ret.api.v1.UpdateUserRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.UserKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ret admin users ...}. A USER is an id or a username. */
@Command(name = "users", description = "Users: list, create, get, lock, unlock, logout, delete.",
        subcommands = {AdminUserCommands.List.class, AdminUserCommands.Create.class, AdminUserCommands.Get.class,
                AdminUserCommands.Lock.class, AdminUserCommands.Unlock.class, AdminUserCommands.Logout.class,
                AdminUserCommands.Delete.class})
final class AdminUserCommands {
    private AdminUserCommands() {
    }

    @Command(name = "list")
    static final class List extends ClientCommand {
        @Option(names = "--prefix", description = "Usernames starting with this.") String prefix;

        List(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            ListUsersResponse users = AdminCommands.admin(client).listUsers(ListUsersRequest.newBuilder().setPageSize(200)
                    .setUsernamePrefix(prefix == null ? "" : prefix).build());
            out.document(users);
            users.getUsersList().forEach(u -> AdminCommands.show(u, out));
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
            User user = AdminCommands.admin(client).createUser(request.build());
            out.document(user);
            AdminCommands.show(user, out);
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
            User u = AdminCommands.user(client, user);
            out.document(u);
            AdminCommands.show(u, out);
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
            User u = AdminCommands.user(client, user);
            User updated = AdminCommands.admin(client).updateUser(UpdateUserRequest.newBuilder()
                    .setUser(User.newBuilder().setId(u.getId()).setLocked(locked()))
                    .setUpdateMask(FieldMask.newBuilder().addPaths("locked")).build());
            out.document(updated);
            AdminCommands.show(updated, out);
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
            var response = AdminCommands.admin(client).forceLogout(ForceLogoutRequest.newBuilder().setUserId(AdminCommands.user(client, user).getId()).build());
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
            out.document(AdminCommands.admin(client).deleteUser(DeleteUserRequest.newBuilder().setUserId(AdminCommands.user(client, user).getId()).build()));
            out.text("deleted " + user);
            return ExitCodes.OK;
        }
    }
}
