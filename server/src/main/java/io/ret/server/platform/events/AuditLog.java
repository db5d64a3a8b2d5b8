package io.ret.server.platform.events;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.security.Principal;

/**
 * Who did what to which object, with what outcome, from where, under which
 * correlation id. Admin mutations and every authentication or authorization
 * failure are written here.
 */
public final class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

    public enum Outcome { SUCCESS, DENIED, FAILURE }

    public record Event(long id, Instant time, String actorId, String actorName, String area, String action,
                        String target, Outcome outcome, String peerAddress, String correlationId, String detail) {
    }

    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /** Records an event for the current call's principal, peer and correlation id. */
    public void record(String area, String action, String target, Outcome outcome, String detail) {
        Principal actor = RequestContext.principal().orElse(null);
        record(actor == null ? null : actor.userId(), actor == null ? null : actor.username(),
                area, action, target, outcome, detail);
    }

    /** Records an event with an explicit actor (e.g. a failed login names the claimed user). */
    public void record(String actorId, String actorName, String area, String action, String target,
                       Outcome outcome, String detail) {
        try {
            db.update("INSERT INTO audit_events (time, actor_id, actor_name, area, action, target, outcome,"
                            + " peer_address, correlation_id, detail) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    Instant.now(), actorId, clip(actorName, 128), area, action, clip(target, 255), outcome,
                    RequestContext.peer(), RequestContext.correlationId(), clip(detail, 1024));
        } catch (RuntimeException e) {
            // the audit trail must not be lost silently: the log keeps the row's content
            LOG.log(Level.SEVERE, "audit row not stored: " + area + "/" + action + " target=" + target
                    + " outcome=" + outcome + " actor=" + actorId, e);
            throw e;
        }
    }

    public List<Event> list(EventFilter filter, long beforeId, int limit) {
        EventQuery q = new EventQuery(beforeId)
                .eq("actor_id", filter.userId())
                .eq("area", filter.area())
                .eq("action", filter.action())
                .eq("correlation_id", filter.correlationId())
                .time(filter);
        return db.query(q.sql("SELECT * FROM audit_events", limit), AuditLog::map, q.params.toArray());
    }

    private static Event map(Row r) throws SQLException {
        return new Event(r.getLong("id"), Database.instant(r, "time"), r.getString("actor_id"),
                r.getString("actor_name"), r.getString("area"), r.getString("action"), r.getString("target"),
                Outcome.valueOf(r.getString("outcome")), r.getString("peer_address"), r.getString("correlation_id"),
                r.getString("detail"));
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
