package io.ret.server.job.shard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;

/**
 * The {@code job_shards} table: which shard of a sharded job is pending, running (by which
 * pod, last heard of when) or done, and how much work each has done. Every change is a
 * conditional update, so two pods never both take a shard.
 */
public final class JobShards {
    public enum State { PENDING, RUNNING, SUCCEEDED }

    public record Row(int shard, State state, String runner, int attempts, long workDone, Instant heartbeatAt) {
    }

    private final Database db;

    public JobShards(Database db) {
        this.db = db;
    }

    /** Creates the job's {@code count} shards, all pending; nothing if they exist. */
    public void create(String jobId, int count, Instant now) {
        List<Object> params = new ArrayList<>();
        StringBuilder values = new StringBuilder();
        for (int shard = 0; shard < count; shard++) {
            values.append(shard == 0 ? "" : ",").append("(?,?,'PENDING',?)");
            params.addAll(List.of(jobId, shard, now));
        }
        db.update("INSERT IGNORE INTO job_shards (job_id, shard, state, updated_at) VALUES " + values, params.toArray());
    }

    public List<Row> list(String jobId) {
        return db.query("SELECT * FROM job_shards WHERE job_id = ? ORDER BY shard", r -> new Row(r.getInt("shard"),
                State.valueOf(r.getString("state")), r.getString("runner"), r.getInt("attempts"), r.getLong("work_done"),
                Database.instant(r, "heartbeat_at")), jobId);
    }

    /**
     * Takes shard {@code shard} for {@code runner} unless it is done: an Indexed Job starts a pod of
     * an index only after the previous one of that index ended, so whoever held it is gone.
     */
    public boolean take(String jobId, int shard, String runner, Instant now) {
        return db.update("UPDATE job_shards SET state = 'RUNNING', runner = ?, attempts = attempts + 1, work_done = 0,"
                + " heartbeat_at = ?, updated_at = ? WHERE job_id = ? AND shard = ? AND state <> 'SUCCEEDED'",
                runner, now, now, jobId, shard) == 1;
    }

    /** Takes the first pending shard, else one whose runner went silent before {@code staleBefore}. */
    public Optional<Integer> takeFree(String jobId, String runner, Instant staleBefore, Instant now) {
        List<Row> rows = list(jobId);
        List<Row> free = new ArrayList<>(rows.stream().filter(r -> r.state() == State.PENDING).toList());
        free.addAll(rows.stream().filter(r -> r.state() == State.RUNNING
                && (r.heartbeatAt() == null || r.heartbeatAt().isBefore(staleBefore))).toList());
        for (Row row : free) {
            if (db.update("UPDATE job_shards SET state = 'RUNNING', runner = ?, attempts = attempts + 1,"
                    + " work_done = 0, heartbeat_at = ?, updated_at = ? WHERE job_id = ? AND shard = ? AND attempts = ?"
                    + " AND state <> 'SUCCEEDED'", runner, now, now, jobId, row.shard(), row.attempts()) == 1) {
                return Optional.of(row.shard());
            }
        }
        return Optional.empty();
    }

    /** Work done so far by the shard's current run; also its heartbeat. */
    public void progress(String jobId, int shard, String runner, long workDone, Instant now) {
        db.update("UPDATE job_shards SET work_done = ?, heartbeat_at = ?, updated_at = ? WHERE job_id = ? AND shard = ?"
                + " AND runner = ? AND state = 'RUNNING'", workDone, now, now, jobId, shard, runner);
    }

    public void heartbeat(String jobId, int shard, String runner, Instant now) {
        db.update("UPDATE job_shards SET heartbeat_at = ? WHERE job_id = ? AND shard = ? AND runner = ? AND state = 'RUNNING'",
                now, jobId, shard, runner);
    }

    /** RUNNING -> SUCCEEDED by its runner; false if another runner took the shard meanwhile. */
    public boolean succeeded(String jobId, int shard, String runner, long workDone, Instant now) {
        return db.update("UPDATE job_shards SET state = 'SUCCEEDED', work_done = ?, heartbeat_at = ?, updated_at = ?"
                + " WHERE job_id = ? AND shard = ? AND runner = ? AND state = 'RUNNING'",
                workDone, now, now, jobId, shard, runner) == 1;
    }

    /** The work of all shards together (a shard run again counts only its current run). */
    public long workDone(String jobId) {
        return db.queryOne("SELECT COALESCE(SUM(work_done), 0) FROM job_shards WHERE job_id = ?", r -> r.getLong(1), jobId)
                .orElse(0L);
    }

    /**
     * Progress of the job row from its shards: work done summed, percent of the total (below 100
     * until the job completes), its phase and heartbeat. Only while {@code jobRunner} runs it.
     * Returns whether a cancel was requested.
     */
    public boolean jobProgress(String jobId, String jobRunner, String phase, Instant now) {
        long done = workDone(jobId);
        db.update("UPDATE jobs SET work_done = GREATEST(work_done, ?),"
                + " progress = GREATEST(progress, CASE WHEN work_total > 0 THEN LEAST(99, FLOOR(? * 100 / work_total)) ELSE 0 END),"
                + " phase = ?, heartbeat_at = ?, updated_at = ?, version = version + 1"
                + " WHERE id = ? AND state = 'RUNNING' AND runner = ?",
                done, done, phase.length() > 255 ? phase.substring(0, 255) : phase, now, now, jobId, jobRunner);
        return db.queryOne("SELECT cancel_requested FROM jobs WHERE id = ?", r -> r.getBoolean(1), jobId).orElse(true);
    }

    /** Sets the job row's total work once the shards know it. */
    public void jobTotal(String jobId, String jobRunner, long total, String phase, Instant now) {
        db.update("UPDATE jobs SET work_total = ?, phase = ?, heartbeat_at = ?, updated_at = ?, version = version + 1"
                + " WHERE id = ? AND state = 'RUNNING' AND runner = ?", total, phase, now, now, jobId, jobRunner);
    }

    /**
     * The one pod that completes the job: moves the row from the shards' runner to {@code completer},
     * only when every shard has succeeded (or from an earlier completer that went silent before
     * {@code staleBefore}). True for exactly one caller.
     */
    public boolean takeCompletion(String jobId, String jobRunner, String completer, Instant staleBefore, Instant now) {
        return db.update("UPDATE jobs SET runner = ?, phase = 'completing', heartbeat_at = ?, updated_at = ?,"
                + " version = version + 1 WHERE id = ? AND state = 'RUNNING'"
                + " AND (runner = ? OR (runner LIKE ? AND heartbeat_at < ?))"
                + " AND NOT EXISTS (SELECT 1 FROM job_shards WHERE job_id = ? AND state <> 'SUCCEEDED')"
                + " AND EXISTS (SELECT 1 FROM job_shards WHERE job_id = ?)",
                completer, now, now, jobId, jobRunner, jobRunner + ShardedRun.COMPLETER_SUFFIX + "%", staleBefore,
                jobId, jobId) == 1;
    }

    /**
     * Takes over preparing the job from a runner that went silent before {@code staleBefore} without
     * creating the shards. True for exactly one caller.
     */
    public boolean takePreparation(String jobId, String jobRunner, Instant staleBefore, Instant now) {
        return db.update("UPDATE jobs SET heartbeat_at = ?, updated_at = ? WHERE id = ? AND state = 'RUNNING' AND runner = ?"
                + " AND heartbeat_at < ? AND NOT EXISTS (SELECT 1 FROM job_shards WHERE job_id = ?)",
                now, now, jobId, jobRunner, staleBefore, jobId) == 1;
    }
}
