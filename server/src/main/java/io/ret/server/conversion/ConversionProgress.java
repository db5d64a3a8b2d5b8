package io.ret.server.conversion;

/**
 * Receives progress from a conversion and may cancel it. Called often (about every
 * 64 KiB of XML): keep the methods cheap. Calls never overlap, but they may come from the
 * conversion's reading and writing threads as well as from the thread that called convert.
 */
public interface ConversionProgress {

    /** Nothing reported, never cancelled. */
    ConversionProgress NONE = new ConversionProgress() {
    };

    /**
     * Once, before any file: the work to be done, in bytes (three passes over the
     * uncompressed XML bytes the archive declares: read, check keys, write).
     */
    default void start(long totalBytes) {
    }

    /** More work done; the sum never exceeds the total and reaches it when the conversion succeeds. */
    default void bytesRead(long delta) {
    }

    /** What is being done now, naming the file: {@code reading orders/2024-01.xml}. */
    default void phase(String phase) {
    }

    /** Files of the archive written (or failed) so far, of all; first called with 0 before any file. */
    default void filesDone(int done, int total) {
    }

    /** True to stop: the conversion then throws {@link ConversionCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
