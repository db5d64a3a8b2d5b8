package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.ret.server.MainAccess;
import io.ret.server.platform.config.ConfigException;
import io.ret.server.platform.config.ConfigLoader;
import io.ret.server.platform.config.RetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: defaults, overrides, and one clear line naming the key when a value is bad. */
class ConfigTest {

    private static RetConfig load(Map<String, String> overrides) {
        return RetConfig.from(ConfigLoader.load(overrides, false));
    }

    @Test
    void defaultsComeFromApplicationYaml() {
        RetConfig config = load(Map.of());
        assertThat(config.grpc().port()).isEqualTo(50051);
        assertThat(config.grpc().transport()).isEqualTo(RetConfig.Transport.NETTY);
        assertThat(config.observe().port()).isEqualTo(8081);
        assertThat(config.runtimeDir()).isEqualTo(Path.of("runtime").toAbsolutePath());
        assertThat(config.database().embedded()).isTrue();
        assertThat(config.redis().embedded()).isTrue();
        assertThat(config.rateLimit().defaults()).isEqualTo(new RetConfig.Limit(100, java.time.Duration.ofSeconds(60)));
        assertThat(config.rateLimit().forMethod("ret.v1.AuthService/Login").calls()).isEqualTo(20);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> load(Map.of("ret.grpc.port", "abc")))
                .isInstanceOf(ConfigException.class).hasMessage("ret.grpc.port: 'abc' is not a whole number");
        assertThatThrownBy(() -> load(Map.of("ret.grpc.port", "70000")))
                .hasMessage("ret.grpc.port: '70000' is out of range 0..65535");
        assertThatThrownBy(() -> load(Map.of("ret.grpc.transport", "carrier-pigeon")))
                .hasMessageStartingWith("ret.grpc.transport: 'carrier-pigeon' is not one of");
        assertThatThrownBy(() -> load(Map.of("ret.ratelimit.period", "sixty")))
                .hasMessage("ret.ratelimit.period: 'sixty' is not an ISO-8601 duration such as PT30S");
        assertThatThrownBy(() -> load(Map.of("ret.db.url", "postgres://x")))
                .hasMessage("ret.db.url: must be a jdbc:mysql:// URL");
    }

    @Test
    void secretsAreNeverEchoed() {
        assertThatThrownBy(() -> load(Map.of("ret.redis.url", "http://user:hunter2@cache:6379")))
                .hasMessage("ret.redis.url: must start with redis:// or rediss://")
                .message().doesNotContain("hunter2");
        Map<String, String> half = new HashMap<>();
        half.put("ret.bootstrap.admin.password", "hunter2hunter2");
        assertThatThrownBy(() -> io.ret.server.auth.AuthSettings.from(ConfigLoader.load(half, false)))
                .hasMessage("ret.bootstrap.admin.username: is required when the other bootstrap admin setting is given");
    }

    @Test
    void mainStopsWithOneLineForABadConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "ret:\n  observe:\n    port: -1\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MainAccess.run(new String[]{"serve", "--config", file.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .isEqualTo("ret: configuration error: ret.observe.port: '-1' is out of range 0..65535");
    }

    @Test
    void helpListsTheCommands() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = MainAccess.run(new String[]{"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("serve").contains("help");
    }
}
