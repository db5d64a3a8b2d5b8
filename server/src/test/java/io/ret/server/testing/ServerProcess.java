package io.ret.server.testing;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * A RET server in a JVM of its own (`ret serve` from the test classpath),
 * configured by RET_* environment variables, for tests that must kill a
 * server outright or run it without some jars.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int grpcPort;
    private final Path log;
    private final ManagedChannel channel;

    private ServerProcess(Process process, int grpcPort, Path log) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.log = log;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }

    /** Starts `ret serve`; {@code env} adds to (or, with a null value, removes from) the environment. */
    public static ServerProcess start(Path runtime, Map<String, String> env, Predicate<String> classpathEntry)
            throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(classpathEntry)
                .collect(Collectors.joining(File.pathSeparator));
        int grpcPort = freePort();
        Path log = Files.createDirectories(runtime).resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", classpath, "io.ret.server.Main", "serve")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("RET_GRPC_PORT", Integer.toString(grpcPort));
        builder.environment().put("RET_OBSERVE_PORT", Integer.toString(freePort()));
        builder.environment().put("RET_RUNTIME_DIR", runtime.toString());
        env.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        return new ServerProcess(builder.start(), grpcPort, log);
    }

    public int grpcPort() {
        return grpcPort;
    }

    public ManagedChannel channel() {
        return channel;
    }

    public String log() throws Exception {
        return Files.readString(log);
    }

    public Process process() {
        return process;
    }

    /** Waits until health says SERVING; fails with the server's log otherwise. */
    public ServerProcess awaitServing() throws Exception {
        return awaitServing(java.time.Duration.ofSeconds(60));
    }

    /** The same, for a first start that unpacks the embedded engines (slow on a loaded machine). */
    public ServerProcess awaitServing(java.time.Duration patience) throws Exception {
        var health = HealthGrpc.newBlockingStub(channel);
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (health.withDeadlineAfter(2, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                        .getStatus() == ServingStatus.SERVING) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("server did not become SERVING; log:\n" + log());
    }

    /** Kills the process at once (SIGKILL): no shutdown hook runs, as in a crash or an OOM kill. */
    public void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
