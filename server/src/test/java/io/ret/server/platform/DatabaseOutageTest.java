package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ListOpsEventsRequest;
import io.ret.api.v1.ListUsersRequest;
import io.ret.server.platform.embedded.EmbeddedMariaDb;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/** Losing the database: UNAVAILABLE with a clear message, health NOT_SERVING, recovery without a restart. */
class DatabaseOutageTest {

    @Test
    void callsAnswerUnavailableWhileTheDatabaseIsDownAndRecoverAfter() throws Exception {
        try (EmbeddedMariaDb db = TestEngines.newMariaDb("outage");
             TestServer server = TestServer.builder()
                     .database(db.jdbcUrl("ret"))
                     .set("ret.db.timeout", "PT1S")
                     .start()) {
            var admin = server.admin(server.adminToken());
            assertThat(admin.listUsers(ListUsersRequest.getDefaultInstance()).getUsersCount()).isPositive();

            db.stop();
            StatusRuntimeException e = PipelineTest.catchStatus(() -> admin.listUsers(ListUsersRequest.getDefaultInstance()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).isEqualTo("the database is unavailable; retry shortly");
            assertThat(RichErrors.reason(e)).isEqualTo("DATABASE_UNAVAILABLE");
            assertThat(RichErrors.retryInfo(e)).isPresent();
            var health = HealthGrpc.newBlockingStub(server.channel());
            HealthFlipTest.await(() -> health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                    == ServingStatus.NOT_SERVING);

            db.restart();
            HealthFlipTest.await(() -> health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                    == ServingStatus.SERVING);
            assertThat(admin.listUsers(ListUsersRequest.getDefaultInstance()).getUsersCount()).isPositive();
            // the loss was recorded while the database was away and written once it was back
            var events = admin.listOpsEvents(ListOpsEventsRequest.newBuilder()
                    .setFilter(EventFilter.newBuilder().setArea("platform")).build()).getEventsList();
            assertThat(events).anySatisfy(ev -> assertThat(ev.getAction()).isEqualTo("database.lost"));
            assertThat(events).anySatisfy(ev -> assertThat(ev.getAction()).isEqualTo("database.regained"));
        }
    }
}
