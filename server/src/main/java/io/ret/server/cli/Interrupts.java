package io.ret.server.cli;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C while a command watches something. While a listener is set, SIGINT goes to it instead of
 * ending the JVM (so a watch can ask whether to cancel the job or just stop watching); otherwise
 * Ctrl-C ends the process as usual. Tests call {@link #interrupt()} to simulate the key.
 */
public class Interrupts {
    private final AtomicReference<Runnable> listener = new AtomicReference<>();

    /** For tests and embedding: Ctrl-C is never taken from the JVM. */
    public Interrupts() {
    }

    /** Routes the process's SIGINT to the listener while one is set. */
    public static Interrupts system() {
        return new SignalInterrupts();
    }

    /** Sets the listener until the returned handle is closed. */
    public Registration listen(Runnable onInterrupt) {
        listener.set(onInterrupt);
        installed(true);
        return () -> {
            listener.compareAndSet(onInterrupt, null);
            installed(false);
        };
    }

    /** Delivers a Ctrl-C; returns false when nobody listens. */
    public boolean interrupt() {
        Runnable current = listener.get();
        if (current == null) {
            return false;
        }
        current.run();
        return true;
    }

    protected void installed(boolean on) {
    }

    /** Ends a listening period. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** SIGINT through sun.misc.Signal (jdk.unsupported): the only way to catch it without ending the JVM. */
    @SuppressWarnings("sunapi")
    private static final class SignalInterrupts extends Interrupts {
        private sun.misc.SignalHandler previous;

        @Override
        protected synchronized void installed(boolean on) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal("INT");
                if (on && previous == null) {
                    previous = sun.misc.Signal.handle(signal, s -> interrupt());
                } else if (!on && previous != null) {
                    sun.misc.Signal.handle(signal, previous);
                    previous = null;
                }
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no SIGINT on this platform: Ctrl-C simply ends the process
            }
        }
    }
}
