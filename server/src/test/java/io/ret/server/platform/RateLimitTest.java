package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.probe.v1.ProbeRequest;
import io.ret.probe.v1.ProbeServiceGrpc;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Limits per principal (else per peer) in Redis; refusals carry RetryInfo. */
class RateLimitTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder()
                .set("ret.ratelimit.calls", "6")
                .set("ret.ratelimit.period", "PT60S")
                // Login gets a bucket of its own, so signing in does not eat the default budget
                .set("ret.ratelimit.methods.0.method", "ret.v1.AuthService/Login")
                .set("ret.ratelimit.methods.0.calls", "50")
                // the test's connections come from 127.0.0.1, here a trusted proxy: forwarded clients are believed
                .set("ret.grpc.trusted.proxies", "127.0.0.1/32")
                .probe()
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void principalOverItsLimitGetsResourceExhaustedWithRetryInfo() {
        var alice = server.newUser("alice").getUsername();
        var auth = TestServer.bearer(server.auth(), server.login(alice, TestServer.PASSWORD).getAccessToken());
        for (int i = 0; i < 6; i++) {
            auth.whoAmI(WhoAmIRequest.getDefaultInstance());
        }
        StatusRuntimeException e = PipelineTest.catchStatus(() -> auth.whoAmI(WhoAmIRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(RichErrors.reason(e)).isEqualTo("RATE_LIMITED");
        assertThat(RichErrors.errorInfo(e).orElseThrow().getMetadataMap()).containsEntry("limit", "6");
        var delay = RichErrors.retryInfo(e).orElseThrow().getRetryDelay();
        assertThat(Duration.ofSeconds(delay.getSeconds(), delay.getNanos()))
                .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));

        // another principal has a bucket of its own
        var bob = server.newUser("bob").getUsername();
        var bobAuth = TestServer.bearer(server.auth(), server.login(bob, TestServer.PASSWORD).getAccessToken());
        assertThat(bobAuth.whoAmI(WhoAmIRequest.getDefaultInstance()).getUsername()).isEqualTo(bob);
    }

    @Test
    void anonymousCallersAreLimitedPerPeerAddress() {
        var probe = ProbeServiceGrpc.newBlockingStub(server.channel());
        StatusRuntimeException limited = null;
        for (int i = 0; i < 8 && limited == null; i++) {
            try {
                probe.slow(ProbeRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                limited = e;
            }
        }
        assertThat(limited).as("the 7th anonymous call from 127.0.0.1 is refused").isNotNull();
        assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(RichErrors.retryInfo(limited)).isPresent();
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasABucketOfItsOwn() {
        var first = TestServer.header(ProbeServiceGrpc.newBlockingStub(server.channel()), "x-forwarded-for", "203.0.113.7");
        var second = TestServer.header(ProbeServiceGrpc.newBlockingStub(server.channel()), "x-forwarded-for",
                "198.51.100.9");
        StatusRuntimeException limited = null;
        for (int i = 0; i < 8 && limited == null; i++) {
            try {
                first.slow(ProbeRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                limited = e;
            }
        }
        assertThat(limited).as("the 7th call forwarded for 203.0.113.7 is refused").isNotNull();
        assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        // another client behind the same proxy is not in that bucket
        second.slow(ProbeRequest.getDefaultInstance());
    }
}
