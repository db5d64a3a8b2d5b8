package io.ret.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.AuditEvent;
import io.ret.api.v1.AuthServiceGrpc;
import io.ret.api.v1.EventFilter;
import io.ret.api.v1.ListAuditEventsRequest;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.TestServer;

/** Shared helpers for the account tests. */
final class AuthFixture {
    private AuthFixture() {
    }

    static AuthServiceGrpc.AuthServiceBlockingStub as(TestServer server, String accessToken) {
        return TestServer.bearer(server.auth(), accessToken);
    }

    static StatusRuntimeException refused(Runnable call, Status.Code code, String reason) {
        AtomicReference<StatusRuntimeException> caught = new AtomicReference<>();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, caught::set);
        assertThat(caught.get().getStatus().getCode()).as("status of %s", caught.get()).isEqualTo(code);
        if (reason != null) {
            assertThat(RichErrors.reason(caught.get())).isEqualTo(reason);
        }
        return caught.get();
    }

    /** Audit rows with this action, newest first, whose actor or target is {@code who}. */
    static List<AuditEvent> audit(TestServer server, String action, String who) {
        return server.admin(server.adminToken()).listAuditEvents(ListAuditEventsRequest.newBuilder()
                        .setPageSize(200)
                        .setFilter(EventFilter.newBuilder().setAction(action)).build())
                .getEventsList().stream()
                .filter(e -> who.equals(e.getActorId()) || who.equals(e.getActorName()) || who.equals(e.getTarget()))
                .toList();
    }
}
