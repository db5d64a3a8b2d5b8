package io.ret.server;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.ret.server.comparison.DiffCommand;
import io.ret.server.conversion.ConvertCommand;
import io.ret.server.job.worker.Worker;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.logging.Logging;
import io.ret.server.platform.logging.RetLogManager;

/** {@code java -jar ret-server.jar [command] [options]}; the command defaults to {@code serve}. */
public final class Main {
    private static final String USAGE = """
            usage: ret [command] [options]

            commands:
              serve     run the gRPC server (default). With no configuration it starts an
                        embedded MariaDB and redis-server under ./runtime.
              convert   convert a ZIP archive or directory of XML files into CSV files,
                        locally (no server, no database): ret convert --help
              diff      compare two CSV files or directories, locally (ret diff --help)
              worker    run the one job of a ConversionJob / IndexJob resource (in a worker
                        pod): ret worker --kind ConversionJob --name NAME --namespace NS
              help      show this text

            options:
              --config FILE   YAML file overriding application.yaml (same as RET_CONFIG_FILE)
              -Dkey=value     any configuration key as a JVM system property

            Configuration keys and their environment variables are listed in the README.
            """;

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
        List<String> rest = Arrays.asList(args);
        String command = rest.isEmpty() || rest.getFirst().startsWith("-") ? "serve" : rest.getFirst();
        List<String> options = rest.isEmpty() || rest.getFirst().startsWith("-") ? rest : rest.subList(1, rest.size());
        boolean help = options.contains("--help") || options.contains("-h");
        return switch (command) {
            case "serve" -> help ? usage(out) : serve(options, err);
            case "convert" -> help ? print(out, ConvertCommand.USAGE) : ConvertCommand.run(options, out, err);
            case "diff" -> DiffCommand.run(options, out, err);
            case "worker" -> Worker.run(options, err);
            case "help" -> usage(out);
            default -> {
                err.println("ret: unknown command '" + command + "'");
                err.print(USAGE);
                yield 2;
            }
        };
    }

    private static int usage(PrintStream out) {
        return print(out, USAGE);
    }

    private static int print(PrintStream out, String text) {
        out.print(text);
        return 0;
    }

    private static int serve(List<String> options, PrintStream err) {
        Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (option.equals("--config") && i + 1 < options.size()) {
                overrides.put("ret.config.file", options.get(++i));
            } else {
                err.println("ret serve: unknown option '" + option + "'");
                return 2;
            }
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
