package io.ret.server.conversion;

/**
 * Receives progress from a conversion and may cancel it. Called often (about every
 * 64 KiB of XML): keep the methods cheap. Calls never overlap, but they may come from the
 * conversion's reading thread as well as from the thread that called convert.
 */
public interface ConversionProgress {

    /** Nothing reported, never cancelled. */
    ConversionProgress NONE = new ConversionProgress() {
    };

    /** Once, before any file: the uncompressed XML bytes to be read (as the archive declares them). */
    default void start(long totalBytes) {
    }

    /** More uncompressed XML bytes have been read. */
    default void bytesRead(long delta) {
    }

    /** Files of the archive written (or failed) so far, of all; first called with 0 before any file. */
    default void filesDone(int done, int total) {
    }

    /** True to stop: the conversion then throws {@link ConversionCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
