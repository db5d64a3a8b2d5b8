package io.ret.server;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.ret.server.cli.CliContext;
import io.ret.server.cli.CliFactory;
import io.ret.server.cli.ClientCommands;
import io.ret.server.comparison.DiffCommand;
import io.ret.server.job.worker.Worker;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.console.ProgressLine;
import io.ret.server.platform.logging.Logging;
import io.ret.server.platform.logging.RetLogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code ret [command] [options]}: the server ({@code serve}, the default), the worker, the local
 * converter and diff, and the client commands (package {@code cli}) that talk to a server.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure();
        int exitCode = 1;
        try {
            exitCode = run(args, System.out, System.err);
        } finally {
            RetLogManager.finish(); // the log handler buffers; System.exit would drop what it holds
        }
        System.exit(exitCode);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(CliContext.system(out, err)).execute(args);
    }

    /** The whole command tree, with the streams, terminal and environment of {@code context}. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine root = new CommandLine(Root.class, new CliFactory(context));
        ClientCommands.addTo(root);
        root.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
        root.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
        return root;
    }

    @Command(name = "ret", synopsisSubcommandLabel = "[COMMAND]",
            description = {"RET: XML archives to CSV, row-level comparison and chat with citations, over gRPC.",
                    "With no command it runs the server (serve)."},
            subcommands = {Serve.class, WorkerCommand.class, DiffCli.class, CommandLine.HelpCommand.class},
            footer = {"", "Client commands talk to $RET_SERVER (default localhost:50051); sign in with ret login.",
                    "Configuration keys and their environment variables are listed in the README;",
                    "any key can also be given as -Dkey=value. Exit codes: docs/cli.md."})
    static final class Root implements Callable<Integer> {
        private final CliContext context;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;

        @Option(names = "--config", paramLabel = "FILE", description = "Serve with this YAML file (see serve).")
        Path config;

        Root(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return Serve.serve(config, context.err());
        }
    }

    @Command(name = "serve", description = {"Run the gRPC server (the default command).",
            "With no configuration it starts an embedded MariaDB and redis-server under ./runtime."})
    static final class Serve implements Callable<Integer> {
        private final CliContext context;

        @Option(names = {"-h", "--help"}, usageHelp = true)
        boolean help;

        @Option(names = "--config", paramLabel = "FILE",
                description = "YAML file overriding application.yaml (same as RET_CONFIG_FILE).")
        Path config;

        Serve(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return serve(config, context.err());
        }

        static int serve(Path configFile, PrintStream err) {
            Map<String, String> overrides = new HashMap<>();
            if (configFile != null) {
                overrides.put("ret.config.file", configFile.toString());
            }
            RetConfig config;
            try {
                config = RetConfig.from(ConfigLoader.load(overrides));
            } catch (ConfigException e) {
                err.println("ret: configuration error: " + e.getMessage());
                return 2;
            }
            RetServer server;
            try {
                server = RetServer.start(config);
            } catch (RuntimeException e) {
                err.println("ret: cannot start: " + e.getMessage());
                java.util.logging.Logger.getLogger(Main.class.getName()).log(java.util.logging.Level.SEVERE, "start-up failed", e);
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                RetLogManager.finish();
                stopped.countDown();
            }, "ret-shutdown"));
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    @Command(name = "worker", description = {"Run the one job of a ConversionJob / IndexJob resource (in a worker pod).",
            "ret worker --kind ConversionJob --name NAME --namespace NS"})
    static final class WorkerCommand implements Callable<Integer> {
        private final CliContext context;

        @Unmatched
        List<String> options = new ArrayList<>();

        WorkerCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return Worker.run(options, context.err());
        }
    }

    @Command(name = "diff", description = {"Compare two CSV files or directories locally (ret diff --help).",
            "Exit codes: 0 no differences, 1 differences, 2 usage error or a file that could not be compared."})
    static final class DiffCli implements Callable<Integer> {
        private final CliContext context;

        @Unmatched
        List<String> args = new ArrayList<>();

        DiffCli(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            ProgressLine bar = ProgressLine.on(context.err(), context.interactive(), "diff", ProgressLine.Unit.BYTES);
            return DiffCommand.run(args, context.out(), context.err(), bar);
        }
    }
}
