package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.ret.probe.v1.ProbeRequest;
import io.ret.probe.v1.ProbeResponse;
import io.ret.probe.v1.ProbeServiceGrpc;
import io.ret.server.platform.config.RetConfig.Transport;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shutting down: calls in flight finish, streams end with UNAVAILABLE, new calls are refused. */
class GracefulShutdownTest {

    @ParameterizedTest
    @EnumSource(Transport.class)
    void inFlightCallsFinishAndStreamsEndWithUnavailable(Transport transport) throws Exception {
        TestServer server = TestServer.builder().transport(transport).probe().start();
        var async = ProbeServiceGrpc.newStub(server.channel());

        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Throwable> streamEnd = new CompletableFuture<>();
        async.hold(ProbeRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(ProbeResponse value) {
                holding.countDown();
            }

            @Override
            public void onError(Throwable t) {
                streamEnd.complete(t);
            }

            @Override
            public void onCompleted() {
                streamEnd.complete(null);
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<ProbeResponse> slow = CompletableFuture.supplyAsync(() -> ProbeServiceGrpc
                .newBlockingStub(server.channel()).slow(ProbeRequest.newBuilder().setText("slow").setDelayMs(1500).build()));
        Thread.sleep(300); // the slow call is in flight

        Thread stopper = Thread.ofPlatform().start(server.server()::close);
        Thread.sleep(200); // draining has begun
        AtomicReference<StatusRuntimeException> refused = new AtomicReference<>();
        try {
            ProbeServiceGrpc.newBlockingStub(server.channel()).slow(ProbeRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            refused.set(e);
        }

        assertThat(slow.get(10, TimeUnit.SECONDS).getText()).isEqualTo("slow");
        Throwable end = streamEnd.get(10, TimeUnit.SECONDS);
        assertThat(Status.fromThrowable(end).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Status.fromThrowable(end).getDescription()).contains("shutting down");
        assertThat(refused.get()).isNotNull();
        assertThat(refused.get().getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        stopper.join(15_000);
        server.close();
    }
}
