package io.ret.server.platform.logging;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Writes log lines to stdout through a buffer that is flushed every 100 ms and
 * at once for warnings and errors. The access log writes a line per call; a
 * flush per line would cost more than the call itself.
 */
public final class BufferedStdoutHandler extends Handler {
    private final BufferedWriter out = new BufferedWriter(
            new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 64 * 1024);
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "log-flush");
        t.setDaemon(true);
        return t;
    });

    public BufferedStdoutHandler() {
        setFormatter(new LogFormat());
        flusher.scheduleWithFixedDelay(this::flush, 100, 100, TimeUnit.MILLISECONDS);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String line = getFormatter().format(record);
        synchronized (out) {
            try {
                out.write(line);
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    out.flush();
                }
            } catch (IOException e) {
                reportError(null, e, java.util.logging.ErrorManager.WRITE_FAILURE);
            }
        }
    }

    @Override
    public void flush() {
        synchronized (out) {
            try {
                out.flush();
            } catch (IOException e) {
                reportError(null, e, java.util.logging.ErrorManager.FLUSH_FAILURE);
            }
        }
    }

    @Override
    public void close() {
        flush();
        flusher.shutdownNow();
    }
}
