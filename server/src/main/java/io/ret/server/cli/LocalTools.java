package io.ret.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ret.server.comparison.DiffCommand;
import io.ret.server.conversion.ConvertCommand;
import io.ret.server.platform.console.ProgressLine;

/**
 * The local tools, {@code ret convert ARCHIVE OUT} and {@code ret diff LEFT RIGHT}, run straight
 * (from {@link io.ret.server.Launcher}, the jar's entry point),
 * without building the picocli command tree, when their command line is one the tree would hand
 * on unchanged. That tree costs a fresh process about a quarter of a second (picocli's classes are
 * Java 5 class files, which the JDK's start-up cache cannot hold, and it reflects over every
 * command) and loads the gRPC client classes, none of which a local conversion needs
 * (bench/conversion-results.md). Any other command line, including help and every unusual form
 * ({@code --opt=value}, {@code @file}, {@code --}, a repeated option, a missing value), goes
 * through picocli as before, so both ways give the same result.
 */
public final class LocalTools {
    /**
     * The options of {@code ret convert} that the local converter reads, in the order ConvertCli
     * hands them on (with a value, or a flag; only {@code --key} may repeat).
     */
    static final List<String> CONVERT_OPTIONS = List.of("--record", "--mode", "--separator", "--namespace-uri",
            "--layout", "--keep-whitespace", "--key", "--layout-from");
    private static final Set<String> FLAGS = Set.of("--namespace-uri", "--keep-whitespace");
    private static final String REPEATABLE = "--key";

    private LocalTools() {
    }

    /** The exit code of the local tool {@code args} names, or null when picocli must read them. */
    public static Integer run(String[] args, CliContext context) {
        if (args.length == 0) {
            return null;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "convert" -> {
                List<String> converterArgs = convertArgs(rest);
                yield converterArgs == null ? null : guarded(context, () -> ConvertCommand.run(converterArgs,
                        context.out(), context.err(), bar(context, "convert")));
            }
            case "diff" -> plainDiff(rest) ? guarded(context,
                    () -> DiffCommand.run(rest, context.out(), context.err(), bar(context, "diff"))) : null;
            default -> null;
        };
    }

    /**
     * What ConvertCli hands to ConvertCommand for {@code args} (after "convert"): the two paths,
     * then the options in its order; null when the line is not plain or is not a local conversion
     * (one path: a session on the server).
     */
    static List<String> convertArgs(List<String> args) {
        List<String> paths = new ArrayList<>();
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (CONVERT_OPTIONS.contains(arg)) {
                List<String> values = options.computeIfAbsent(arg, o -> new ArrayList<>());
                if (!values.isEmpty() && !arg.equals(REPEATABLE)) {
                    return null; // picocli refuses an option given twice
                }
                if (FLAGS.contains(arg)) {
                    values.add(arg);
                } else if (i + 1 < args.size() && plainValue(args.get(i + 1))) {
                    values.add(args.get(++i));
                } else {
                    return null;
                }
            } else if (plainValue(arg)) {
                paths.add(arg);
            } else {
                return null;
            }
        }
        if (paths.size() != 2) {
            return null;
        }
        List<String> converterArgs = new ArrayList<>(paths);
        for (String option : CONVERT_OPTIONS) {
            for (String value : options.getOrDefault(option, List.of())) {
                converterArgs.addAll(FLAGS.contains(option) ? List.of(option) : List.of(option, value));
            }
        }
        return converterArgs;
    }

    /**
     * Ends the process after a local tool. Not with System.exit: that first asks for a System.Logger
     * to log the exit, and the first System.Logger scans every jar of the class path for a
     * LoggerFinder (about 0.2 CPU s with the server's 190 jars). The local tools have closed their
     * files and register no shutdown hooks; a JFR recording dumps in one, so with JFR on it is
     * System.exit after all.
     */
    public static void exit(int code) {
        System.out.flush();
        System.err.flush();
        if (jfrRecording()) {
            System.exit(code);
        }
        Runtime.getRuntime().halt(code);
    }

    private static boolean jfrRecording() {
        try {
            return jdk.jfr.FlightRecorder.isInitialized();
        } catch (LinkageError e) {
            return false; // a runtime without the jdk.jfr module
        }
    }

    /** DiffCli hands every argument on unchanged; picocli would still expand @files and read "--". */
    static boolean plainDiff(List<String> args) {
        return args.stream().noneMatch(arg -> arg.startsWith("@") || arg.equals("--"));
    }

    /** A value picocli takes as it is: not an option, nor an argument file. */
    private static boolean plainValue(String arg) {
        return !arg.isEmpty() && !arg.startsWith("-") && !arg.startsWith("@");
    }

    private static ProgressLine bar(CliContext context, String label) {
        return ProgressLine.on(context.err(), context.interactive(), label, ProgressLine.Unit.BYTES);
    }

    private interface Tool {
        int run();
    }

    /** As picocli runs a command: a failure it did not expect is a stack trace and exit code 1. */
    private static int guarded(CliContext context, Tool tool) {
        try {
            return tool.run();
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            context.err().print(trace);
            return 1;
        }
    }
}
