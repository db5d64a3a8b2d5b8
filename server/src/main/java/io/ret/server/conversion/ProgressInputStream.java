package io.ret.server.conversion;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reports the bytes the parser reads, in steps of {@link #STEP}, and asks at each step
 * whether to stop: at parsing speed a step is well under a millisecond of work.
 */
final class ProgressInputStream extends InputStream {

    static final int STEP = 64 * 1024;

    private final InputStream in;
    private final ConversionProgress progress;
    private long unreported;

    ProgressInputStream(InputStream in, ConversionProgress progress) {
        this.in = in;
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b != -1) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    private void counted(int n) {
        unreported += n;
        if (unreported >= STEP) {
            report();
        }
    }

    /** Reports what is left and checks for cancellation. */
    void report() {
        if (unreported > 0) {
            progress.bytesRead(unreported);
            unreported = 0;
        }
        if (progress.cancelled()) {
            throw new ConversionCancelledException();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
