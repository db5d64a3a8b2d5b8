package io.ret.server.platform.events;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;

/**
 * Unexpected errors, one row each: where (rpc, job, startup), which method,
 * whose call, the error type and the correlation id that finds the stack
 * trace in the log. Messages stay here; clients only see the correlation id.
 */
public final class ErrorLog {
    private static final Logger LOG = Logger.getLogger(ErrorLog.class.getName());

    public record Event(long id, Instant time, String phase, String method, String principalId, String errorType,
                        String message, String correlationId, String instance) {
    }

    private final Database db;

    public ErrorLog(Database db) {
        this.db = db;
    }

    public void record(String phase, String method, String principalId, Throwable error, String correlationId) {
        try {
            db.update("INSERT INTO error_events (time, phase, method, principal_id, error_type, message,"
                            + " correlation_id, instance) VALUES (?,?,?,?,?,?,?,?)",
                    Instant.now(), phase, AuditLog.clip(method, 255), principalId, error.getClass().getName(),
                    AuditLog.clip(String.valueOf(error.getMessage()), 1024), correlationId, Instance.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "error event not stored (" + e.getMessage() + ")");
        }
    }

    public List<Event> list(EventFilter filter, long beforeId, int limit) {
        EventQuery q = new EventQuery(beforeId)
                .eq("principal_id", filter.userId())
                .eq("phase", filter.area())
                .eq("method", filter.action())
                .eq("correlation_id", filter.correlationId())
                .time(filter);
        return db.query(q.sql("SELECT * FROM error_events", limit), ErrorLog::map, q.params.toArray());
    }

    private static Event map(Row r) throws SQLException {
        return new Event(r.getLong("id"), Database.instant(r, "time"), r.getString("phase"), r.getString("method"),
                r.getString("principal_id"), r.getString("error_type"), r.getString("message"),
                r.getString("correlation_id"), r.getString("instance"));
    }
}
