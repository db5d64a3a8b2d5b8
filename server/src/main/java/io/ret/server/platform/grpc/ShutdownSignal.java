package io.ret.server.platform.grpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells long-lived streams (job watches, chat answers) that the server is
 * going down, so each ends its call itself with UNAVAILABLE instead of being
 * cut off.
 */
public final class ShutdownSignal {
    private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();
    private volatile boolean fired;

    /** Registers a listener; the returned handle removes it. Runs at once if already fired. */
    public AutoCloseable onShutdown(Runnable listener) {
        listeners.add(listener);
        if (fired && listeners.remove(listener)) {
            listener.run();
        }
        return () -> listeners.remove(listener);
    }

    public boolean fired() {
        return fired;
    }

    void fire() {
        fired = true;
        for (Runnable listener : listeners) {
            if (listeners.remove(listener)) {
                listener.run();
            }
        }
    }
}
