package io.ret.server.cli;

import java.util.ArrayList;
import java.util.List;

import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.ConversionServiceGrpc;
import io.ret.api.v1.FlattenMode;
import io.ret.api.v1.Job;
import io.ret.api.v1.KeyColumns;
import io.ret.api.v1.OutputLayout;
import io.ret.api.v1.StartConversionRequest;
import io.ret.server.conversion.ConvertCommand;
import io.ret.server.platform.console.ProgressLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code ret convert SESSION} starts a conversion on the server and follows it;
 * {@code ret convert ARCHIVE-OR-DIR OUT-DIR} converts locally with no server (the same options).
 */
@Command(name = "convert", description = {"Convert a session on the server, or an archive locally.",
        "ret convert SESSION             convert an uploaded session on the server and follow the job",
        "ret convert ARCHIVE-OR-DIR OUT  convert a ZIP or directory of XML files locally, no server",
        "Local exit codes: 0 all files converted, 1 a file failed or the archive was refused, 2 usage."})
final class ConvertCli extends ClientCommand {
    @Parameters(arity = "1..2", paramLabel = "SESSION | ARCHIVE-OR-DIR OUT-DIR")
    List<String> targets;

    @Option(names = "--record", paramLabel = "NAME",
            description = "The element that makes one row (a name or a path such as orders/order); detected per file.")
    String record;

    @Option(names = "--mode", paramLabel = "MODE", description = "child-tables (default): repeated elements become "
            + "child tables; join: repeated text-only elements are joined into one cell.")
    String mode;

    @Option(names = "--separator", paramLabel = "S", description = "Separator of joined values (default |).")
    String separator;

    @Option(names = "--namespace-uri", description = "Name elements {uri}local instead of prefix:local.")
    boolean namespaceUri;

    @Option(names = "--layout", paramLabel = "LAYOUT",
            description = "merged (default): one set of tables per record type, rows name their _file; "
                    + "per-file: one set of tables per XML file.")
    String layout;

    @Option(names = "--keep-whitespace", description = "Keep element text as written (default: trim the whitespace around it).")
    boolean keepWhitespace;

    @Option(names = "--key", paramLabel = "TABLE=COL[,COL]",
            description = "The natural key of a table (its name or record path); repeatable.")
    List<String> keys = new ArrayList<>();

    @Option(names = "--layout-from", paramLabel = "SESSION | DIR", description = "Keep the tables and columns of an "
            + "earlier conversion: a converted session on the server, an output directory locally.")
    String layoutFrom;

    @Option(names = "--watch", negatable = true,
            description = "Follow the job until it ends (default on a terminal; --no-watch returns at once).")
    Boolean watch;

    @Option(names = "--priority", defaultValue = "0", description = "-10..10; higher runs first.")
    int priority;

    /** Options the local converter knows and this command does not (yet): passed on to it. */
    @Unmatched
    List<String> passThrough = new ArrayList<>();

    ConvertCli(CliContext context) {
        super(context);
    }

    @Override
    protected int run(RetClient client, Output out) throws InterruptedException {
        if (!passThrough.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "unknown option(s) " + passThrough + "; see ret convert --help");
        }
        FlattenMode flatten = switch (mode == null ? "child-tables" : mode) {
            case "child-tables" -> FlattenMode.FLATTEN_MODE_CHILD_TABLES;
            case "join" -> FlattenMode.FLATTEN_MODE_JOIN_REPEATED;
            default -> throw new CliException(ExitCodes.USAGE, "--mode is child-tables or join");
        };
        ConversionOptions.Builder options = ConversionOptions.newBuilder().setMode(flatten)
                .setQualifyWithNamespaceUri(namespaceUri);
        if (record != null) {
            options.setRecordElement(record);
        }
        if (separator != null) {
            options.setJoinSeparator(separator);
        }
        if (layout != null) {
            options.setLayout(switch (layout) {
                case "merged" -> OutputLayout.OUTPUT_LAYOUT_MERGED;
                case "per-file" -> OutputLayout.OUTPUT_LAYOUT_PER_FILE;
                default -> throw new CliException(ExitCodes.USAGE, "--layout is merged or per-file");
            });
        }
        options.setKeepWhitespace(keepWhitespace);
        for (String key : keys) {
            int equals = key.indexOf('=');
            if (equals <= 0 || equals == key.length() - 1) {
                throw new CliException(ExitCodes.USAGE, "--key is TABLE=COLUMN[,COLUMN...]");
            }
            options.putKeyColumns(key.substring(0, equals),
                    KeyColumns.newBuilder().addAllColumns(List.of(key.substring(equals + 1).split(","))).build());
        }
        if (layoutFrom != null) {
            options.setLayoutFromSessionId(layoutFrom);
        }
        Job job = client.call(ConversionServiceGrpc::newBlockingStub).startConversion(StartConversionRequest.newBuilder()
                .setSessionId(targets.getFirst()).setOptions(options).setPriority(priority).build());
        return JobCommands.follow(client, context, out, job, watch(watch),
                (c, o, ended) -> {
                    JobCommands.describe(ended, o);
                    SessionCommands.outputs(c, o, ended.getSubjectId(), true);
                });
    }

    /**
     * Two paths: the local converter, which needs no server and no sign-in. The options go on in
     * the order of {@link LocalTools#CONVERT_OPTIONS}, which runs plain command lines without picocli.
     */
    @Override
    protected Integer runWithoutServer() {
        if (targets == null || targets.size() != 2) {
            return null;
        }
        List<String> args = new ArrayList<>(targets);
        option(args, "--record", record);
        option(args, "--mode", mode);
        option(args, "--separator", separator);
        flag(args, "--namespace-uri", namespaceUri);
        option(args, "--layout", layout);
        flag(args, "--keep-whitespace", keepWhitespace);
        keys.forEach(key -> option(args, "--key", key));
        option(args, "--layout-from", layoutFrom);
        args.addAll(passThrough);
        ProgressLine bar = ProgressLine.on(context.err(), context.interactive(), "convert", ProgressLine.Unit.BYTES);
        return ConvertCommand.run(args, context.out(), context.err(), bar);
    }

    private static void option(List<String> args, String name, String value) {
        if (value != null) {
            args.addAll(List.of(name, value));
        }
    }

    private static void flag(List<String> args, String name, boolean on) {
        if (on) {
            args.add(name);
        }
    }
}
