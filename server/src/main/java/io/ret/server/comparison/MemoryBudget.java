package io.ret.server.comparison;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory both sides' row indexes may take together. A row is charged for its 32-byte index
 * record plus room for bucket growth and the join's chains; the join's hash table covers one
 * bucket at a time and is negligible.
 */
final class MemoryBudget {
    static final int BYTES_PER_ROW = 40;

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }
}
