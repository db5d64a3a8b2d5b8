package io.ret.server.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.trace.Tracing;
import io.ret.server.platform.db.Row;

/**
 * The jobs table. Every state change is a conditional update (on the state it
 * expects), so concurrent runners, reapers and cancels never both win, and
 * every change bumps {@code version}.
 */
public final class JobStore {
    /**
     * Runner ids of jobs that several worker pods run at once (see {@code job.shard.ShardedRun}):
     * the reaper leaves them alone, since a pod that dies is run again by its Kubernetes Job and
     * the operator fails the job when that Job fails.
     */
    public static final String SHARDED_RUNNER_PREFIX = "shards:";

    private final Database db;

    public JobStore(Database db) {
        this.db = db;
    }

    public void insert(JobRecord j) {
        db.withConnection(c -> {
            insert(c, j);
            return null;
        });
    }

    public static void insert(Connection c, JobRecord j) throws SQLException {
        Database.update(c, "INSERT INTO jobs (id, type, owner_id, state, priority, phase, work_unit, work_total, subject_id,"
                        + " result_id, params, max_attempts, correlation_id, created_at, updated_at, trace_parent)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                j.id(), j.type(), j.ownerId(), j.state(), j.priority(), j.phase(), j.type().workUnit(), j.workTotal(),
                j.subjectId(),
                j.resultId(), j.params(), j.maxAttempts(), j.correlationId(), j.createdAt(), j.updatedAt(),
                Tracing.traceparent());
    }

    /** The W3C traceparent of the call that started the job (the current span when the row was inserted). */
    public Optional<String> traceParent(String id) {
        return db.queryOne("SELECT trace_parent FROM jobs WHERE id = ?", r -> Optional.ofNullable(r.getString(1)), id)
                .flatMap(p -> p);
    }

    public Optional<JobRecord> get(String id) {
        return db.queryOne("SELECT * FROM jobs WHERE id = ?", JobStore::map, id);
    }

    public record Filter(String ownerId, JobType type, JobState state) {
    }

    public List<JobRecord> list(Filter f, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM jobs WHERE id < ?");
        List<Object> params = new ArrayList<>(List.of(beforeId));
        if (f.ownerId() != null) {
            sql.append(" AND owner_id = ?");
            params.add(f.ownerId());
        }
        if (f.type() != null) {
            sql.append(" AND type = ?");
            params.add(f.type());
        }
        if (f.state() != null) {
            sql.append(" AND state = ?");
            params.add(f.state());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        return db.query(sql.toString(), JobStore::map, params.toArray());
    }

    /** Jobs not yet finished that work on {@code subjectId} (e.g. a session). */
    /**
     * Runs {@code action} on one connection holding the database's named lock on {@code subjectId},
     * so that checks and changes about one subject (is it idle? start a job) never interleave,
     * whichever server instance makes them. The action uses that connection only, so a burst of
     * callers holds one connection each. False, without running it, when the lock is not had in time.
     * The lock belongs to a connection, so this is the JDBC connection reached through DbClient
     * (whose single statements each take their own).
     */
    public boolean withSubjectLock(String subjectId, Duration wait, Database.Work<Void> action) {
        String name = "ret-subject:" + subjectId; // MariaDB allows 64 characters; ids are 36
        return db.withConnection(c -> {
            List<Integer> got = Database.query(c, "SELECT GET_LOCK(?, ?)", r -> r.getInt(1), name,
                    Math.max(1, wait.toSeconds()));
            if (got.isEmpty() || got.getFirst() != 1) {
                return false;
            }
            try {
                action.run(c);
                return true;
            } finally {
                Database.query(c, "SELECT RELEASE_LOCK(?)", r -> r.getInt(1), name);
            }
        });
    }

    /** Whether a job is pending or running on the subject. */
    public static boolean busy(Connection c, String subjectId) throws SQLException {
        return !Database.query(c, "SELECT 1 FROM jobs WHERE subject_id = ? AND state IN ('PENDING','RUNNING') LIMIT 1",
                r -> r.getInt(1), subjectId).isEmpty();
    }

    /** Candidates for a runner: pending, highest priority first, then oldest. */
    public List<String> pending(List<JobType> types, int limit) {
        String in = String.join(",", types.stream().map(t -> "'" + t.name() + "'").toList());
        return db.query("SELECT id FROM jobs WHERE state = 'PENDING' AND type IN (" + in + ")"
                + " ORDER BY priority DESC, created_at, id LIMIT ?", r -> r.getString(1), limit);
    }

    /** PENDING -> RUNNING for {@code runner}; empty if someone else took it first. */
    public Optional<JobRecord> claim(String id, String runner, Instant now) {
        int updated = db.update("UPDATE jobs SET state = 'RUNNING', runner = ?, attempts = attempts + 1,"
                        + " started_at = COALESCE(started_at, ?), heartbeat_at = ?, updated_at = ?, version = version + 1,"
                        + " phase = 'starting' WHERE id = ? AND state = 'PENDING' AND NOT cancel_requested",
                runner, now, now, now, id);
        return updated == 1 ? get(id) : Optional.empty();
    }

    /**
     * Progress of a running job; returns whether cancellation was requested
     * meanwhile (so the runner learns of it even if the event was lost).
     */
    public boolean progress(String id, String runner, int percent, String phase, long done, long total, Instant now) {
        db.update("UPDATE jobs SET progress = GREATEST(progress, ?), phase = ?, work_done = ?, work_total = ?,"
                        + " heartbeat_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND state = 'RUNNING' AND runner = ?",
                percent, clip(phase), done, total, now, now, id, runner);
        return db.queryOne("SELECT cancel_requested FROM jobs WHERE id = ?", r -> r.getBoolean(1), id).orElse(true);
    }

    public void heartbeat(String runner, List<String> ids, Instant now) {
        if (ids.isEmpty()) {
            return;
        }
        String in = String.join(",", ids.stream().map(i -> "?").toList());
        List<Object> params = new ArrayList<>(List.of(now, runner));
        params.addAll(ids);
        db.update("UPDATE jobs SET heartbeat_at = ? WHERE state = 'RUNNING' AND runner = ? AND id IN (" + in + ")",
                params.toArray());
    }

    /** RUNNING -> a terminal state, by the runner that holds it. False if it no longer does. */
    public boolean finish(String id, String runner, JobState state, byte[] result, String resultId,
                          String errorReason, String errorMessage, Instant now) {
        return db.update("UPDATE jobs SET state = ?, progress = CASE WHEN ? = 'SUCCEEDED' THEN 100 ELSE progress END,"
                        + " phase = ?, result = ?, result_id = COALESCE(?, result_id), error_reason = ?, error_message = ?,"
                        + " ended_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND state = 'RUNNING' AND runner = ?",
                state, state, state.name().toLowerCase(java.util.Locale.ROOT), result, resultId, errorReason,
                clip(errorMessage, 1024), now, now, id, runner) == 1;
    }

    /** RUNNING -> PENDING by its own runner (which is shutting down); the attempt does not count. */
    public void release(String id, String runner, Instant now) {
        db.update("UPDATE jobs SET state = 'PENDING', runner = NULL, attempts = GREATEST(attempts - 1, 0),"
                + " phase = 'queued again: its server shut down', updated_at = ?, version = version + 1"
                + " WHERE id = ? AND state = 'RUNNING' AND runner = ?", now, id, runner);
    }

    /** A pending job is cancelled at once; a running one is flagged for its runner. */
    public void requestCancel(String id, Instant now) {
        db.update("UPDATE jobs SET state = 'CANCELLED', cancel_requested = TRUE, phase = 'cancelled',"
                + " error_reason = 'CANCELLED', error_message = 'cancelled before it started', ended_at = ?,"
                + " updated_at = ?, version = version + 1 WHERE id = ? AND state = 'PENDING'", now, now, id);
        db.update("UPDATE jobs SET cancel_requested = TRUE, phase = 'cancelling', updated_at = ?, version = version + 1"
                + " WHERE id = ? AND state = 'RUNNING' AND NOT cancel_requested", now, id);
    }

    /** Running jobs whose runner stopped heartbeating before {@code staleBefore}. */
    public List<JobRecord> stale(Instant staleBefore) {
        return db.query("SELECT * FROM jobs WHERE state = 'RUNNING' AND heartbeat_at < ?"
                        + " AND (runner IS NULL OR runner NOT LIKE ?)",
                JobStore::map, staleBefore, SHARDED_RUNNER_PREFIX + "%");
    }

    /**
     * Puts a stale job back in the queue (within its retry budget) or ends it.
     *
     * @return the job's new state (PENDING, FAILED or CANCELLED), or null when another reaper or
     *         the runner itself got there first
     */
    public JobState reap(JobRecord stale, Instant staleBefore, Instant now) {
        if (stale.attempts() < stale.maxAttempts() && !stale.cancelRequested()) {
            return db.update("UPDATE jobs SET state = 'PENDING', runner = NULL, phase = 'queued again: its runner stopped',"
                    + " updated_at = ?, version = version + 1 WHERE id = ? AND state = 'RUNNING' AND heartbeat_at < ?",
                    now, stale.id(), staleBefore) == 1 ? JobState.PENDING : null;
        }
        JobState end = stale.cancelRequested() ? JobState.CANCELLED : JobState.FAILED;
        return db.update("UPDATE jobs SET state = ?, phase = ?, error_reason = ?, error_message = ?, ended_at = ?,"
                        + " updated_at = ?, version = version + 1 WHERE id = ? AND state = 'RUNNING' AND heartbeat_at < ?",
                end, end.name().toLowerCase(java.util.Locale.ROOT), stale.cancelRequested() ? "CANCELLED" : "RUNNER_LOST",
                stale.cancelRequested() ? "cancelled; its runner stopped" : "its runner stopped "
                        + stale.attempts() + " time(s); no retries left", now, now, stale.id(), staleBefore) == 1
                ? end : null;
    }

    /**
     * Ends a job that is not finished yet, whoever runs it (used when its
     * runner can no longer speak for it, e.g. a worker pod that died).
     */
    public boolean settle(String id, JobState state, String reason, String message, Instant now) {
        return db.update("UPDATE jobs SET state = ?, phase = ?, error_reason = ?, error_message = ?, ended_at = ?,"
                        + " updated_at = ?, version = version + 1 WHERE id = ? AND state IN ('PENDING','RUNNING')",
                state, state.name().toLowerCase(java.util.Locale.ROOT), reason, clip(message, 1024), now, now, id) == 1;
    }

    /** Unfinished jobs of these types, oldest first. */
    public List<JobRecord> unfinished(List<JobType> types) {
        if (types.isEmpty()) {
            return List.of();
        }
        String in = String.join(",", types.stream().map(t -> "'" + t.name() + "'").toList());
        return db.query("SELECT * FROM jobs WHERE state IN ('PENDING','RUNNING') AND type IN (" + in + ") ORDER BY id",
                JobStore::map);
    }

    /** Registers a job row if none has this id (a worker started by a resource applied with kubectl). */
    public boolean insertIfAbsent(JobRecord j) {
        return db.update("INSERT IGNORE INTO jobs (id, type, owner_id, state, priority, phase, work_unit, subject_id,"
                        + " result_id, params, max_attempts, correlation_id, created_at, updated_at, trace_parent)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                j.id(), j.type(), j.ownerId(), j.state(), j.priority(), j.phase(), j.type().workUnit(), j.subjectId(),
                j.resultId(), j.params(), j.maxAttempts(), j.correlationId(), j.createdAt(), j.updatedAt(),
                Tracing.traceparent()) == 1;
    }

    public int countByState(JobState state) {
        return db.queryOne("SELECT COUNT(*) FROM jobs WHERE state = ?", r -> r.getInt(1), state).orElse(0);
    }

    private static String clip(String s) {
        return clip(s, 255);
    }

    private static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    static JobRecord map(Row r) throws SQLException {
        return new JobRecord(
                r.getString("id"),
                JobType.valueOf(r.getString("type")),
                r.getString("owner_id"),
                JobState.valueOf(r.getString("state")),
                r.getInt("priority"),
                r.getInt("progress"),
                r.getString("phase"),
                r.getLong("work_done"),
                r.getLong("work_total"),
                r.getString("subject_id"),
                r.getString("result_id"),
                r.getBytes("params"),
                r.getBytes("result"),
                r.getString("error_reason"),
                r.getString("error_message"),
                r.getInt("attempts"),
                r.getInt("max_attempts"),
                r.getBoolean("cancel_requested"),
                r.getString("runner"),
                Database.instant(r, "heartbeat_at"),
                r.getLong("version"),
                r.getString("correlation_id"),
                Database.instant(r, "created_at"),
                Database.instant(r, "started_at"),
                Database.instant(r, "updated_at"),
                Database.instant(r, "ended_at"));
    }
}
