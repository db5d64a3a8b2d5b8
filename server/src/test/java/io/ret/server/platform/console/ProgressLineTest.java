package io.ret.server.platform.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private final AtomicLong now = new AtomicLong();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(screen, true, StandardCharsets.UTF_8);

    @Test
    void aKnownTotalShowsTheBarPercentAmountsRateAndTimeLeft() {
        ProgressLine line = ProgressLine.on(err, "upload", ProgressLine.Unit.BYTES, now::get);
        line.total(100L << 20);
        now.set(2_000_000_000L);
        line.advance(25L << 20);
        assertThat(line.render())
                .isEqualTo("upload [######..................]  25%  25.0 MiB / 100.0 MiB  12.5 MiB/s  0:06 left");
    }

    @Test
    void anUnknownTotalShowsAmountAndRateWithTheDetail() {
        ProgressLine line = ProgressLine.on(err, "diff", ProgressLine.Unit.ROWS, now::get);
        now.set(1_000_000_000L);
        line.advance(50_000);
        line.detail("1/3 files");
        assertThat(line.render()).isEqualTo("diff  50,000 rows  50,000 rows/s  1/3 files");
    }

    @Test
    void redrawsInPlaceAtMostEveryTenthOfASecondAndEndsTheLine() {
        ProgressLine line = ProgressLine.on(err, "x", ProgressLine.Unit.ITEMS, now::get);
        line.total(10);
        for (int i = 0; i < 10; i++) {
            line.advance(1); // all within the same instant: drawn once
        }
        line.finish();
        String drawn = screen.toString(StandardCharsets.UTF_8);
        assertThat(drawn.chars().filter(c -> c == '\r').count()).isEqualTo(2); // the first update, and finish
        assertThat(drawn).contains("100%  10 / 10").endsWith("\033[K\n");
    }

    @Test
    void aSilentLineDrawsNothing() {
        ProgressLine line = ProgressLine.on(err, false, "x", ProgressLine.Unit.BYTES);
        line.total(10);
        line.advance(5);
        line.finish();
        assertThat(screen.size()).isZero();
    }
}
