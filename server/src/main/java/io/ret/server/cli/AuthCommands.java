package io.ret.server.cli;

import java.util.Arrays;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.AuthTokens;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.LogoutRequest;
import io.ret.api.v1.User;
import io.ret.api.v1.WhoAmIRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ret login}, {@code ret logout}, {@code ret whoami}. */
final class AuthCommands {
    private AuthCommands() {
    }

    @Command(name = "login", description = {"Sign in and keep the tokens in $XDG_CONFIG_HOME/ret (mode 600).",
            "The password is asked for without echo, or read from standard input with --password-stdin."})
    static final class Login extends ClientCommand {
        @Parameters(paramLabel = "USERNAME", arity = "0..1", description = "Asked for when not given.")
        String username;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean passwordStdin;

        Login(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            String name = username;
            if (name == null) {
                if (!context.interactive()) {
                    throw new CliException(ExitCodes.USAGE, "give the USERNAME (there is no terminal to ask on)");
                }
                context.err().print("username: ");
                context.err().flush();
                name = context.readLine();
                if (name == null || name.isBlank()) {
                    throw new CliException(ExitCodes.USAGE, "no username given");
                }
                name = name.strip();
            }
            char[] password = password();
            AuthTokens tokens;
            try {
                tokens = client.anonymous(AuthServiceGrpc::newBlockingStub).login(
                        LoginRequest.newBuilder().setUsername(name).setPassword(new String(password)).build());
            } finally {
                Arrays.fill(password, '\0');
            }
            client.remember(tokens, name);
            out.document(tokens.getUser());
            out.text("signed in to " + client.server() + " as " + tokens.getUser().getUsername() + " ("
                    + Output.name(tokens.getUser().getRole(), "ROLE_").toLowerCase(java.util.Locale.ROOT) + ")");
            return ExitCodes.OK;
        }

        private char[] password() {
            if (passwordStdin) {
                String line = context.readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException(ExitCodes.USAGE, "--password-stdin: standard input held no password");
                }
                return line.toCharArray();
            }
            return context.passwords().read("password: ").orElseThrow(() -> new CliException(ExitCodes.USAGE,
                    "no terminal to ask for the password on: pipe it in with --password-stdin"));
        }
    }

    @Command(name = "logout", description = "End this sign-in on the server and forget its tokens.")
    static final class Logout extends ClientCommand {
        Logout(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            if (client.tokens().get(client.server()).isEmpty()) {
                out.text("not signed in to " + client.server());
                return ExitCodes.OK;
            }
            try {
                client.call(AuthServiceGrpc::newBlockingStub).logout(LogoutRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.UNAUTHENTICATED) {
                    throw e; // the tokens stay, so logout can be tried again
                }
            } catch (CliException expired) {
                // the sign-in had expired anyway
            }
            client.tokens().remove(client.server());
            out.text("signed out of " + client.server());
            return ExitCodes.OK;
        }
    }

    @Command(name = "whoami", description = "Who the server thinks you are.")
    static final class WhoAmI extends ClientCommand {
        WhoAmI(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            User user = client.call(AuthServiceGrpc::newBlockingStub).whoAmI(WhoAmIRequest.getDefaultInstance());
            out.document(user);
            out.text(user.getUsername() + "  (" + Output.name(user.getRole(), "ROLE_").toLowerCase(java.util.Locale.ROOT)
                    + ", " + Output.name(user.getKind(), "USER_KIND_").toLowerCase(java.util.Locale.ROOT)
                    + ", id " + user.getId() + ") on " + client.server());
            return ExitCodes.OK;
        }
    }
}
