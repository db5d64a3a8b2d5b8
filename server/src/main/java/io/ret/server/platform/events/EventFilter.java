package io.ret.server.platform.events;

import java.time.Instant;

/** Filters shared by the audit, ops and error logs; null fields do not filter. */
public record EventFilter(String userId, String area, String action, Instant from, Instant to, String correlationId) {
    public static final EventFilter NONE = new EventFilter(null, null, null, null, null, null);
}
