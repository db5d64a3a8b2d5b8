package io.ret.server.conversion;

import java.util.ArrayList;
import java.util.List;

/**
 * Hands the results of files worked on by several threads (scanned, or written into parts)
 * to the one thread that takes them, in file order. Workers claim files in order, at most
 * {@code lookAhead} ahead of the taker, so the files waiting on disk (spills, parts) stay few
 * whatever the archive's size.
 *
 * @param <T> a file's result
 */
final class ScanSlots<T> {

    private final Object[] slots;
    private final int lookAhead;
    private int nextClaim;
    private int nextTake;
    private boolean claimsClosed;
    private boolean stopped;

    ScanSlots(int files, int lookAhead) {
        this.slots = new Object[files];
        this.lookAhead = lookAhead;
    }

    /** The next file to scan, once the writer is near enough; -1 when none is left or the hand-over stopped. */
    synchronized int claim() {
        try {
            while (!claimsClosed && nextClaim < slots.length && nextClaim >= nextTake + lookAhead) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return claimsClosed || nextClaim >= slots.length ? -1 : nextClaim++;
    }

    /** No file is claimed any more (a result ended the conversion); files already claimed still arrive. */
    synchronized void closeClaims() {
        claimsClosed = true;
        notifyAll();
    }

    /** Stores a file's result; false once stopped, and then the result is the caller's to dispose of. */
    synchronized boolean put(int file, T result) {
        if (stopped) {
            return false;
        }
        slots[file] = result;
        notifyAll();
        return true;
    }

    /** The result of {@code file}, the next in order, waiting at most {@code millis}; null if not there yet. */
    @SuppressWarnings("unchecked")
    synchronized T poll(int file, long millis) throws InterruptedException {
        if (slots[file] == null) {
            wait(millis);
        }
        T result = (T) slots[file];
        if (result != null) {
            slots[file] = null;
            nextTake = file + 1;
            notifyAll();
        }
        return result;
    }

    /** Ends the hand-over: nothing more is claimed or stored. Returns the results stored and never taken. */
    @SuppressWarnings("unchecked")
    synchronized List<T> stop() {
        stopped = true;
        claimsClosed = true;
        notifyAll();
        List<T> left = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                left.add((T) slots[i]);
                slots[i] = null;
            }
        }
        return left;
    }
}
