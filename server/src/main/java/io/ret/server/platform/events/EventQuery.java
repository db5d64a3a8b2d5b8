package io.ret.server.platform.events;

import java.util.ArrayList;
import java.util.List;

/** Builds the WHERE clause of an event-log page: filters plus a descending id cursor. */
final class EventQuery {
    final StringBuilder where = new StringBuilder(" WHERE id < ?");
    final List<Object> params = new ArrayList<>();

    EventQuery(long beforeId) {
        params.add(beforeId);
    }

    EventQuery eq(String column, String value) {
        if (value != null && !value.isEmpty()) {
            where.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
        return this;
    }

    EventQuery time(EventFilter filter) {
        if (filter.from() != null) {
            where.append(" AND time >= ?");
            params.add(filter.from());
        }
        if (filter.to() != null) {
            where.append(" AND time < ?");
            params.add(filter.to());
        }
        return this;
    }

    String sql(String selectFrom, int limit) {
        params.add(limit);
        return selectFrom + where + " ORDER BY id DESC LIMIT ?";
    }
}
