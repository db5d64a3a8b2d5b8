package io.ret.server.testing;

import java.time.Duration;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ret.probe.v1.ProbeRequest;
import io.ret.probe.v1.ProbeResponse;
import io.ret.probe.v1.ProbeServiceGrpc;
import io.ret.server.platform.db.DataAccessException;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.grpc.ShutdownSignal;

/** The test-only ProbeService (see probe.proto). */
public final class ProbeService extends ProbeServiceGrpc.ProbeServiceImplBase {
    private final ShutdownSignal shutdown;

    /** @param shutdown where Hold streams learn that the server is going down; may be null */
    public ProbeService(ShutdownSignal shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public void unguarded(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        answer(request, response);
    }

    @Override
    public void echo(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        answer(request, response);
    }

    @Override
    public void adminEcho(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        answer(request, response);
    }

    private static void answer(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        response.onNext(ProbeResponse.newBuilder()
                .setText(request.getText())
                .setPrincipal(RequestContext.principal().map(p -> p.username()).orElse(""))
                .setCorrelationId(String.valueOf(RequestContext.correlationId()))
                .build());
        response.onCompleted();
    }

    @Override
    public void fail(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        switch (request.getFail()) {
            case "invalid" -> throw ApiException.invalid("text", "is not acceptable");
            case "database" -> throw new DataAccessException("probe",
                    new java.sql.SQLTransientConnectionException("Connection is not available, request timed out"));
            case "on-error" -> response.onError(new IllegalStateException("secret detail: password=hunter2"));
            default -> throw new IllegalStateException("secret detail: SELECT * FROM users WHERE password = 'x'");
        }
    }

    @Override
    public void slow(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        try {
            Thread.sleep(Duration.ofMillis(request.getDelayMs()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        answer(request, response);
    }

    @Override
    public void hold(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        ServerCallStreamObserver<ProbeResponse> call = (ServerCallStreamObserver<ProbeResponse>) response;
        response.onNext(ProbeResponse.newBuilder().setText("holding").build());
        Object lock = new Object();
        boolean[] done = new boolean[1];
        Runnable end = () -> {
            synchronized (lock) {
                if (!done[0]) {
                    done[0] = true;
                    call.onError(Status.UNAVAILABLE.withDescription("server shutting down").asRuntimeException());
                }
            }
        };
        call.setOnCancelHandler(() -> {
            synchronized (lock) {
                done[0] = true;
            }
        });
        if (shutdown != null) {
            shutdown.onShutdown(end);
        }
    }
}
