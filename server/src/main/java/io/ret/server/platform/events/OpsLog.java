package io.ret.server.platform.events;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;

/**
 * Significant operational events: start-up, shutdown, dependencies lost and
 * regained. Events that happen while the database is away (its own loss, say)
 * wait in memory and are written when it is back.
 */
public final class OpsLog {
    private static final Logger LOG = Logger.getLogger(OpsLog.class.getName());
    private static final int MAX_PENDING = 1000;

    public enum Severity { INFO, WARNING, ERROR }

    public record Event(long id, Instant time, String area, String action, Severity level, String message,
                        String instance) {
    }

    private final Database db;
    private final Deque<Event> pending = new ArrayDeque<>();

    public OpsLog(Database db) {
        this.db = db;
    }

    public void record(String area, String action, Severity level, String message) {
        Level julLevel = switch (level) {
            case INFO -> Level.INFO;
            case WARNING -> Level.WARNING;
            case ERROR -> Level.SEVERE;
        };
        LOG.log(julLevel, area + "/" + action + ": " + message);
        Event event = new Event(0, Instant.now(), area, action, level, AuditLog.clip(message, 1024), Instance.id());
        synchronized (pending) {
            pending.addLast(event);
            while (pending.size() > MAX_PENDING) {
                pending.removeFirst();
            }
        }
        flush();
    }

    /** Writes events kept while the database was unreachable; returns false if it still is. */
    public boolean flush() {
        while (true) {
            Event next;
            synchronized (pending) {
                next = pending.peekFirst();
            }
            if (next == null) {
                return true;
            }
            try {
                db.update("INSERT INTO ops_events (time, area, action, level, message, instance) VALUES (?,?,?,?,?,?)",
                        next.time(), next.area(), next.action(), next.level(), next.message(), next.instance());
            } catch (RuntimeException e) {
                return false;
            }
            synchronized (pending) {
                pending.remove(next);
            }
        }
    }

    public List<Event> list(EventFilter filter, long beforeId, int limit) {
        EventQuery q = new EventQuery(beforeId)
                .eq("area", filter.area())
                .eq("action", filter.action())
                .time(filter);
        return db.query(q.sql("SELECT * FROM ops_events", limit), OpsLog::map, q.params.toArray());
    }

    private static Event map(Row r) throws SQLException {
        return new Event(r.getLong("id"), Database.instant(r, "time"), r.getString("area"), r.getString("action"),
                Severity.valueOf(r.getString("level")), r.getString("message"), r.getString("instance"));
    }
}
