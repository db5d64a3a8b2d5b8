package io.ret.server.platform.console;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One line of progress on a terminal, redrawn in place: a bar, done and total, rate and time
 * left, plus a free detail ("3/10 files", a job's phase). A silent line draws nothing, so callers
 * never branch on whether a person is watching. Redraws at most every 100 ms. Thread-safe.
 */
public final class ProgressLine {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    /** How amounts are written. */
    public enum Unit {
        BYTES, ROWS, CHUNKS, ITEMS;

        static Unit parse(String unit) {
            return switch (unit == null ? "" : unit.toLowerCase(Locale.ROOT)) {
                case "bytes" -> BYTES;
                case "rows" -> ROWS;
                case "chunks" -> CHUNKS;
                default -> ITEMS;
            };
        }
    }

    private final PrintStream out;
    private final boolean visible;
    private final LongSupplier nanoTime;
    private final long started;
    private String label;
    private Unit unit;
    private long total;
    private long done;
    private String detail = "";
    private long lastDraw;
    private boolean drawn;

    private ProgressLine(PrintStream out, boolean visible, String label, Unit unit, LongSupplier nanoTime) {
        this.out = out;
        this.visible = visible;
        this.label = label;
        this.unit = unit;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
        this.lastDraw = started - REDRAW_NANOS;
    }

    /** A line drawn on {@code out} (standard error, so standard output stays data). */
    public static ProgressLine on(PrintStream out, String label, Unit unit) {
        return new ProgressLine(out, true, label, unit, System::nanoTime);
    }

    /** A line drawn only when {@code visible}: pass whether a person is at a terminal. */
    public static ProgressLine on(PrintStream out, boolean visible, String label, Unit unit) {
        return new ProgressLine(out, visible, label, unit, System::nanoTime);
    }

    /** A line on a clock of the caller's (tests). */
    public static ProgressLine on(PrintStream out, String label, Unit unit, LongSupplier nanoTime) {
        return new ProgressLine(out, true, label, unit, nanoTime);
    }

    public static ProgressLine silent() {
        return new ProgressLine(null, false, "", Unit.ITEMS, System::nanoTime);
    }

    public static Unit unit(String name) {
        return Unit.parse(name);
    }

    public synchronized void total(long total) {
        this.total = Math.max(0, total);
        draw(false);
    }

    public synchronized void advance(long delta) {
        done += delta;
        draw(false);
    }

    /** Sets the amount done (for sources that report absolute values, like a job). */
    public synchronized void update(long done, long total, Unit unit, String detail) {
        this.done = done;
        this.total = Math.max(0, total);
        this.unit = unit;
        this.detail = detail == null ? "" : detail;
        draw(false);
    }

    public synchronized void detail(String detail) {
        this.detail = detail == null ? "" : detail;
        draw(false);
    }

    public synchronized void label(String label) {
        this.label = label;
    }

    public synchronized long done() {
        return done;
    }

    /** Draws the last state and ends the line, so what is printed next starts on a line of its own. */
    public synchronized void finish() {
        if (visible) {
            draw(true);
            out.print('\n');
            out.flush();
        }
    }

    /** Takes the line off the screen (before a question, say); the next update draws it again. */
    public synchronized void clear() {
        if (visible && drawn) {
            out.print("\r\033[K");
            out.flush();
            drawn = false;
        }
    }

    private void draw(boolean force) {
        if (!visible) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print("\r" + render(now) + "\033[K");
        out.flush();
    }

    /** The text of the line as it would be drawn now. */
    public synchronized String render() {
        return render(nanoTime.getAsLong());
    }

    private String render(long now) {
        StringBuilder line = new StringBuilder(label);
        double seconds = Math.max(1e-3, (now - started) / 1e9);
        double rate = done / seconds;
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(fraction * 100)))
                    .append(amount(done)).append(" / ").append(amount(total));
        } else {
            line.append("  ").append(amount(done));
        }
        if (done > 0) {
            line.append("  ").append(amount(rate)).append("/s");
            if (total > done) {
                line.append("  ").append(clock(Duration.ofSeconds((long) Math.ceil((total - done) / rate))))
                        .append(" left");
            }
        }
        if (!detail.isEmpty()) {
            line.append("  ").append(detail);
        }
        return line.toString();
    }

    private String amount(double value) {
        return switch (unit) {
            case BYTES -> bytes(value);
            case ROWS -> count(value) + " rows";
            case CHUNKS -> count(value) + " chunks";
            case ITEMS -> count(value);
        };
    }

    public static String bytes(double bytes) {
        if (bytes < 1024) {
            return String.format(Locale.ROOT, "%.0f B", bytes);
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024;
        int i = 0;
        while (value >= 1024 && i < units.length - 1) {
            value /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[i]);
    }

    private static String count(double value) {
        return value >= 10_000 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.0f", value);
    }

    public static String clock(Duration duration) {
        long s = duration.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
