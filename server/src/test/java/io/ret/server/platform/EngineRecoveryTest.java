package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.ret.api.v1.AdminServiceGrpc;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ListOpsEventsRequest;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.OpsEvent;
import io.ret.server.testing.ServerProcess;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A server on its embedded engines, run as a real process: each engine killed with SIGKILL
 * while it serves is started again by the server (ops events say so) and health returns to
 * SERVING; the server itself killed with SIGKILL leaves its engines running, and the next
 * start on the same runtime directory stops them and serves normally.
 */
class EngineRecoveryTest {
    /** Generous: the machine the suite runs on may be loaded many times over. */
    private static final java.time.Duration STARTUP = java.time.Duration.ofMinutes(4);
    private static final java.time.Duration RECOVERY = java.time.Duration.ofMinutes(2);

    @Test
    void enginesKilledWhileServingAndEnginesLeftByAKilledServerAreRecovered() throws Exception {
        Path runtime = Path.of("target", "test-runtime", "engines-" + UUID.randomUUID()).toAbsolutePath();
        Path mariaPid = runtime.resolve("mariadb").resolve("mariadbd.pid");
        Path redisPid = runtime.resolve("redis").resolve("redis-server.pid");
        Map<String, String> env = new HashMap<>();
        env.put("RET_DB_URL", null);
        env.put("RET_REDIS_URL", null);
        env.put("RET_HEALTH_INTERVAL", "PT0.5S");
        try {
            long orphanDb;
            long orphanRedis;
            ServerProcess server = ServerProcess.start(runtime, env, entry -> true);
            try (server) {
                server.awaitServing(STARTUP);
                String admin = adminToken(server.channel(), runtime);

                long db = pid(mariaPid);
                ProcessHandle.of(db).orElseThrow().destroyForcibly();
                long newDb = awaitNewPid(mariaPid, db);
                server.awaitServing(RECOVERY);
                assertThat(login(server.channel(), runtime)).isNotBlank();

                long redis = pid(redisPid);
                ProcessHandle.of(redis).orElseThrow().destroyForcibly();
                long newRedis = awaitNewPid(redisPid, redis);
                server.awaitServing(RECOVERY);
                assertThat(login(server.channel(), runtime)).isNotBlank();

                List<String> actions = opsActions(server.channel(), admin);
                assertThat(actions).contains("mariadb.died", "mariadb.restarted", "redis.died", "redis.restarted");

                server.kill();
                orphanDb = newDb;
                orphanRedis = newRedis;
            }
            assertThat(ProcessHandle.of(orphanDb).map(ProcessHandle::isAlive)).as("mariadbd outlives a SIGKILLed server")
                    .contains(true);
            assertThat(ProcessHandle.of(orphanRedis).map(ProcessHandle::isAlive)).as("so does redis-server")
                    .contains(true);

            ServerProcess again = ServerProcess.start(runtime, env, entry -> true);
            try (again) {
                again.awaitServing(STARTUP);
                assertThat(login(again.channel(), runtime)).isNotBlank();
                assertThat(ProcessHandle.of(orphanDb).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(ProcessHandle.of(orphanRedis).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(again.log()).contains("left running on");
            }
            assertThat(awaitGone(mariaPid)).as("a clean stop ends mariadbd").isTrue();
            assertThat(awaitGone(redisPid)).as("and redis-server").isTrue();
        } finally {
            for (Path pidFile : List.of(mariaPid, redisPid)) {
                readPid(pidFile).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
    }

    private static String adminToken(Channel channel, Path runtime) throws Exception {
        return login(channel, runtime);
    }

    private static String login(Channel channel, Path runtime) throws Exception {
        String password = Files.readAllLines(runtime.resolve("bootstrap-admin.txt")).stream()
                .filter(l -> l.startsWith("password: ")).findFirst().orElseThrow().substring("password: ".length());
        return AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .login(LoginRequest.newBuilder().setUsername("admin").setPassword(password).build()).getAccessToken();
    }

    private static List<String> opsActions(Channel channel, String token) {
        return TestServer.bearer(AdminServiceGrpc.newBlockingStub(channel), token).withDeadlineAfter(20, TimeUnit.SECONDS)
                .listOpsEvents(ListOpsEventsRequest.newBuilder().setPageSize(200)
                        .setFilter(EventFilter.newBuilder().setArea("platform")).build())
                .getEventsList().stream().map(OpsEvent::getAction).toList();
    }

    private static long pid(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            OptionalLong pid = readPid(pidFile);
            if (pid.isPresent() && ProcessHandle.of(pid.getAsLong()).isPresent()) {
                return pid.getAsLong();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no live process in " + pidFile);
    }

    private static long awaitNewPid(Path pidFile, long old) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            OptionalLong pid = readPid(pidFile);
            if (pid.isPresent() && pid.getAsLong() != old
                    && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
                return pid.getAsLong();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the engine of " + pidFile + " was not restarted");
    }

    private static boolean awaitGone(Path pidFile) throws Exception {
        OptionalLong last = readPid(pidFile);
        for (int i = 0; i < 300; i++) {
            OptionalLong pid = readPid(pidFile);
            if (pid.isEmpty()) {
                return last.isEmpty() || !ProcessHandle.of(last.getAsLong()).map(ProcessHandle::isAlive).orElse(false);
            }
            last = pid;
            if (!ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static OptionalLong readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }
}
