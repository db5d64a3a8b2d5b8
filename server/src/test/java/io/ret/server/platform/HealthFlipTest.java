package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ListOpsEventsRequest;
import io.ret.server.platform.embedded.EmbeddedRedis;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Health follows Redis: NOT_SERVING while it is down, SERVING again when it returns, no restart. */
class HealthFlipTest {

    @Test
    void healthGoesNotServingWhenRedisStopsAndRecovers() throws Exception {
        try (EmbeddedRedis redis = TestEngines.newRedis("health-flip");
             TestServer server = TestServer.builder().redis(redis.url()).start()) {
            var health = HealthGrpc.newBlockingStub(server.channel());
            assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
            assertThat(ready(server)).isEqualTo(200);

            redis.stop();
            await(() -> health.check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.NOT_SERVING);
            assertThat(health.check(HealthCheckRequest.newBuilder().setService("ret.v1.AuthService").build())
                    .getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
            assertThat(ready(server)).isEqualTo(503);

            redis.restart();
            await(() -> health.check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING);
            assertThat(ready(server)).isEqualTo(200);

            var events = server.admin(server.adminToken()).listOpsEvents(ListOpsEventsRequest.newBuilder()
                    .setFilter(EventFilter.newBuilder().setArea("platform")).setPageSize(200).build()).getEventsList();
            assertThat(events).anySatisfy(e -> assertThat(e.getAction()).isEqualTo("redis.lost"));
            assertThat(events).anySatisfy(e -> assertThat(e.getAction()).isEqualTo("redis.regained"));
        }
    }

    static int ready(TestServer server) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().observePort()
                            + "/observe/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(100);
        }
    }
}
