package io.ret.server.conversion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One document's spill (see {@link SpillWriter}). A small one is held in memory: an archive
 * of 10,000 invoices would otherwise make, read twice and delete 10,000 files, and the file
 * system's work for each cost more than converting it. What one
 * conversion holds is bounded by its {@link Budget}; a document beyond it, or whose spill
 * does not fit in one buffer, goes to a hidden file in the output directory.
 */
final class Spill {

    /** Most bytes a held spill has: one buffer of {@link ByteOutput}. */
    static final int HOLD_MAX = ByteOutput.CAPACITY;

    /** Bytes one conversion may hold at once; released as each file is written. */
    static final class Budget {
        private final long limit;
        private final AtomicLong held = new AtomicLong();

        Budget(long limit) {
            this.limit = limit;
        }

        boolean reserve(int bytes) {
            for (long now = held.get(); now + bytes <= limit; now = held.get()) {
                if (held.compareAndSet(now, now + bytes)) {
                    return true;
                }
            }
            return false;
        }

        void release(int bytes) {
            held.addAndGet(-bytes);
        }
    }

    private final Path file;
    private final Budget budget;
    private byte[] bytes;

    private Spill(Path file, byte[] bytes, Budget budget) {
        this.file = file;
        this.bytes = bytes;
        this.budget = budget;
    }

    /** A reader from the start; the spill stays until {@link #delete}. */
    SpillReader reader() throws IOException {
        return file == null ? new SpillReader(bytes) : new SpillReader(Files.newInputStream(file));
    }

    /** Deletes the file or releases the memory; quietly (what is left goes with the output directory's staging). */
    synchronized void delete() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // removed with the staging directory
            }
        } else if (bytes != null) {
            budget.release(bytes.length);
            bytes = null;
        }
    }

    /**
     * Where a {@link SpillWriter} writes: the first piece (its buffer's content) is held if the
     * budget allows; a second piece moves everything to a file.
     */
    static final class Output extends OutputStream {
        private final Path dir;
        private final Budget budget;
        private byte[] held;
        private Path file;
        private OutputStream out;

        Output(Path dir, Budget budget) {
            this.dir = dir;
            this.budget = budget;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (out == null && held == null && len <= HOLD_MAX && budget.reserve(len)) {
                held = Arrays.copyOfRange(b, off, off + len);
                return;
            }
            if (out == null) {
                file = Files.createTempFile(dir, ".ret-spill-", ".tmp");
                out = Files.newOutputStream(file);
                if (held != null) {
                    out.write(held);
                    budget.release(held.length);
                    held = null;
                }
            }
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
            }
        }

        /** The spill written, after {@link #close}. */
        Spill spill() {
            return new Spill(file, file == null ? (held == null ? new byte[0] : held) : null, budget);
        }

        /** Drops what was written (the document failed). */
        void discard() {
            try {
                close();
            } catch (IOException e) {
                // deleted below all the same
            }
            spill().delete();
            held = null;
        }
    }
}
