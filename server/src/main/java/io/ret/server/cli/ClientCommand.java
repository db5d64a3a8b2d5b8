package io.ret.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Callable;

import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a RET server: opens the connection, runs, and turns every failure into
 * words on standard error (a JSON object with {@code --output json}) and a documented exit code.
 */
public abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    protected ClientOptions connection;

    protected final CliContext context;

    protected ClientCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public final Integer call() {
        Integer offline = runWithoutServer();
        if (offline != null) {
            return offline;
        }
        Output output = new Output(context.out(), connection.output);
        String server = "?";
        try (RetClient client = RetClient.open(connection, context)) {
            server = client.server();
            return run(client, output);
        } catch (StatusRuntimeException e) {
            ErrorReport report = ErrorReport.of(e, server);
            context.err().println(output.json() ? Output.json(report.json()) : report.words());
            return report.exitCode();
        } catch (CliException e) {
            return fail(output, e.getMessage(), e.exitCode());
        } catch (IOException | UncheckedIOException e) {
            return fail(output, e.getMessage(), ExitCodes.FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(output, "interrupted", ExitCodes.DETACHED);
        } catch (Exception e) {
            return fail(output, e.toString(), ExitCodes.FAILED);
        } finally {
            context.out().flush();
        }
    }

    private int fail(Output output, String message, int exitCode) {
        context.err().println(output.json() ? Output.json(Map.of("error", Map.of("message", message, "exitCode", exitCode)))
                : "ret: " + message);
        return exitCode;
    }

    /** For a command that can also work locally: its exit code when it did, else null. */
    protected Integer runWithoutServer() {
        return null;
    }

    /** The command's work; throws StatusRuntimeException or CliException to fail. */
    protected abstract int run(RetClient client, Output out) throws Exception;

    /** Whether to follow a started job: --watch / --no-watch, else when a person is at a terminal. */
    protected boolean watch(Boolean option) {
        return option != null ? option : context.interactive();
    }
}
