package io.ret.server.platform.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.ret.server.platform.events.OpsLog;
import org.junit.jupiter.api.Test;

class BackgroundLoopsTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final ServerMetrics metrics = new ServerMetrics();
    private final List<String> opsEvents = new ArrayList<>();
    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger("test.background." + System.nanoTime());

    private BackgroundLoops.Loop loop() {
        log.setUseParentHandlers(false);
        log.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return new BackgroundLoops(metrics, (area, action, level, message) -> opsEvents.add(level + " " + action + ": " + message),
                clock).loop("job-dispatch-sweep", log);
    }

    @Test
    void everyFailureIsCountedButLoggedAtWarningAtMostOnceAMinute() {
        var loop = loop();
        for (int i = 0; i < 10; i++) {
            loop.failed("dispatch sweep failed", new IllegalStateException("Forbidden: jobs.batch"));
            now = now.plusSeconds(5);
        }
        assertThat(metrics.scrape()).contains("ret_background_failures_total{loop=\"job-dispatch-sweep\"} 10.0");
        assertThat(logged).hasSize(1);
        assertThat(logged.getFirst().getLevel()).isEqualTo(Level.WARNING);
        assertThat(logged.getFirst().getMessage()).contains("job-dispatch-sweep", "Forbidden: jobs.batch");

        now = now.plusSeconds(20); // a minute after the first report
        loop.failed("dispatch sweep failed", new IllegalStateException("Forbidden: jobs.batch"));
        assertThat(logged).hasSize(2);
        assertThat(logged.get(1).getMessage()).contains("9 more failure(s) since the last report");
    }

    @Test
    void aFailureThatLastsTwoMinutesIsAnOpsEventAndSoIsTheRecovery() {
        var loop = loop();
        loop.failed("dispatch sweep failed", new IllegalStateException("connection refused"));
        now = now.plus(BackgroundLoops.LASTING).minusSeconds(1);
        loop.failed("dispatch sweep failed", new IllegalStateException("connection refused"));
        assertThat(opsEvents).isEmpty();
        assertThat(loop.lasting()).isFalse();

        now = now.plusSeconds(1);
        loop.failed("dispatch sweep failed", new IllegalStateException("connection refused"));
        loop.failed("dispatch sweep failed", new IllegalStateException("connection refused"));
        assertThat(loop.lasting()).isTrue();
        assertThat(opsEvents).singleElement().asString()
                .startsWith(OpsLog.Severity.WARNING + " job-dispatch-sweep: job-dispatch-sweep has failed since")
                .contains("connection refused");

        loop.succeeded();
        assertThat(loop.lasting()).isFalse();
        assertThat(opsEvents).hasSize(2);
        assertThat(opsEvents.get(1)).startsWith(OpsLog.Severity.INFO + " job-dispatch-sweep: job-dispatch-sweep works again");
    }

    @Test
    void aShortFailureThatRecoversRecordsNoOpsEvent() {
        var loop = loop();
        loop.failed("heartbeat failed", new IllegalStateException("timeout"));
        now = now.plus(Duration.ofSeconds(30));
        loop.succeeded();
        assertThat(opsEvents).isEmpty();
    }
}
