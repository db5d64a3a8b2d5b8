package io.ret.server.cli;

import java.util.List;

import picocli.CommandLine;

/** The client commands of {@code ret}, in the order its help lists them. */
public final class ClientCommands {
    private ClientCommands() {
    }

    private static final List<Class<?>> COMMANDS = List.of(
            AuthCommands.Login.class, AuthCommands.Logout.class, AuthCommands.WhoAmI.class,
            SessionCommands.Upload.class, ConvertCli.class, ComparisonCommands.Compare.class, RagCommands.Index.class,
            JobCommands.class, SessionCommands.Sessions.class, SessionCommands.Outputs.class,
            SessionCommands.Preview.class, SessionCommands.Download.class, ComparisonCommands.Deltas.class,
            ComparisonCommands.Export.class, QueryCommands.Query.class, QueryCommands.ListTables.class,
            RagCommands.Chat.class, RagCommands.Search.class,
            RagCommands.Collections.class, AdminCommands.class);

    /** Adds every client command to the root command line (instances come from its factory). */
    public static void addTo(CommandLine root) {
        for (Class<?> command : COMMANDS) {
            root.addSubcommand(command);
        }
    }
}
