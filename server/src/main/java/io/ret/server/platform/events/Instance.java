package io.ret.server.platform.events;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Names this process in ops and error rows: host (pod name on Kubernetes) and pid. */
public final class Instance {
    private static final String ID = compute();

    private Instance() {
    }

    public static String id() {
        return ID;
    }

    private static String compute() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown";
            }
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}
