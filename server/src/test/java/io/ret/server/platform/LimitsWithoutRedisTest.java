package io.ret.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ret.api.v1.LoginRequest;
import io.ret.api.v1.WhoAmIRequest;
import io.ret.server.platform.embedded.EmbeddedRedis;
import io.ret.server.testing.RichErrors;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;
import org.junit.jupiter.api.Test;

/** With Redis stopped, rate limits hold per instance and login throttling still applies (never unlimited). */
class LimitsWithoutRedisTest {

    @Test
    void rateLimitsAndLoginThrottlingHoldWhileRedisIsStopped() {
        try (EmbeddedRedis redis = TestEngines.newRedis("limits-outage");
             TestServer server = TestServer.builder().redis(redis.url())
                     .set("ret.ratelimit.calls", "6")
                     .set("ret.ratelimit.period", "PT60S")
                     .set("ret.ratelimit.methods.0.calls", "100")
                     .set("ret.auth.throttle.free", "2")
                     .set("ret.auth.throttle.delay", "PT30S")
                     .start()) {
            String alice = server.newUser("alice").getUsername();
            String bob = server.newUser("bob").getUsername();
            var auth = TestServer.bearer(server.auth(), server.login(alice, TestServer.PASSWORD).getAccessToken());

            redis.stop();

            for (int i = 0; i < 6; i++) {
                assertThat(auth.whoAmI(WhoAmIRequest.getDefaultInstance()).getUsername()).isEqualTo(alice);
            }
            StatusRuntimeException limited = PipelineTest.catchStatus(() -> auth.whoAmI(WhoAmIRequest.getDefaultInstance()));
            assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(RichErrors.reason(limited)).isEqualTo("RATE_LIMITED");
            assertThat(RichErrors.retryInfo(limited)).isPresent();

            for (int i = 0; i < 2; i++) {
                StatusRuntimeException failed = PipelineTest.catchStatus(() -> server.auth().login(LoginRequest.newBuilder()
                        .setUsername(bob).setPassword("not the password").build()));
                assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            }
            StatusRuntimeException throttled = PipelineTest.catchStatus(() -> server.login(bob, TestServer.PASSWORD));
            assertThat(throttled.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(RichErrors.reason(throttled)).isEqualTo("LOGIN_THROTTLED");
        }
    }
}
