package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.LoginRequest;
import io.ret.server.RetServer;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;
import org.junit.jupiter.api.Test;

/**
 * With no database or Redis configured the server starts its own under the
 * runtime directory, creates the first admin with a random password written to
 * an owner-only file, and keeps its data across restarts.
 */
class EmbeddedDefaultsTest {

    @Test
    void startsItsOwnEnginesAndKeepsDataAcrossRestarts() throws Exception {
        Path runtime = Path.of("target", "test-runtime", "embedded-" + UUID.randomUUID()).toAbsolutePath();
        Map<String, String> settings = Map.of(
                "ret.runtime.dir", runtime.toString(),
                "ret.grpc.host", "127.0.0.1", "ret.grpc.port", "0",
                "ret.observe.host", "127.0.0.1", "ret.observe.port", "0");
        RetConfig config = RetConfig.from(ConfigLoader.load(settings, false));
        assertThat(config.database().embedded()).isTrue();
        assertThat(config.redis().embedded()).isTrue();

        String password;
        Path adminFile = runtime.resolve("bootstrap-admin.txt");
        try (RetServer server = RetServer.start(config)) {
            assertThat(Files.getPosixFilePermissions(adminFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(runtime.resolve("keys/jwt-signing.jwks.json")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            password = Files.readAllLines(adminFile).stream().filter(l -> l.startsWith("password: "))
                    .findFirst().orElseThrow().substring("password: ".length());
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            assertThat(login(server, password)).isEqualTo("admin");
        }
        assertThat(runtime.resolve("mariadb/data")).isDirectory();

        String fileBefore = Files.readString(adminFile);
        try (RetServer again = RetServer.start(config)) {
            assertThat(login(again, password)).as("the admin survived the restart").isEqualTo("admin");
        }
        assertThat(Files.readString(adminFile)).as("written once").isEqualTo(fileBefore);
    }

    private static String login(RetServer server, String password) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try {
            return AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, java.util.concurrent.TimeUnit.SECONDS)
                    .login(LoginRequest.newBuilder().setUsername("admin").setPassword(password).build())
                    .getUser().getUsername();
        } finally {
            channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
