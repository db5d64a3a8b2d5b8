package io.ret.server.comparison;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.JsonLists;

/**
 * The comparisons, comparison_files and comparison_deltas tables. Deltas are
 * written in batches while a job runs; the comparison row that makes them
 * visible is written last, in the same transaction as the per-file results.
 */
public final class ComparisonStore {
    public record ComparisonRecord(String id, String ownerId, String leftSessionId, String rightSessionId,
                                   byte[] options, byte[] summary, Instant createdAt) {
    }

    /** @param result ret.v1.FileComparison bytes */
    public record FileRecord(int ordinal, String path, byte[] result, List<String> leftColumns, List<String> rightColumns) {
    }

    /** @param delta ret.v1.RowDelta bytes */
    public record DeltaRecord(long seq, int fileOrdinal, String changeType, byte[] delta) {
    }

    private final Database db;

    public ComparisonStore(Database db) {
        this.db = db;
    }

    /** Removes whatever an earlier, interrupted run of this comparison wrote. */
    public void discardDeltas(String comparisonId) {
        db.update("DELETE FROM comparison_deltas WHERE comparison_id = ?", comparisonId);
    }

    public void insertDeltas(String comparisonId, List<DeltaRecord> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        db.withConnection(c -> { // a JDBC batch on a connection reached through DbClient, which has no batch call
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO comparison_deltas (comparison_id, seq, file_ordinal,"
                    + " change_type, delta) VALUES (?,?,?,?,?)")) {
                for (DeltaRecord d : deltas) {
                    Database.bind(ps, comparisonId, d.seq(), d.fileOrdinal(), d.changeType(), d.delta());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Publishes a finished comparison: its files and its row, in one transaction. */
    public void publish(ComparisonRecord comparison, List<FileRecord> files) {
        db.transaction(c -> {
            Database.update(c, "DELETE FROM comparison_files WHERE comparison_id = ?", comparison.id());
            insertFiles(c, comparison.id(), files);
            Database.update(c, "INSERT INTO comparisons (id, owner_id, left_session_id, right_session_id, options, summary,"
                    + " created_at) VALUES (?,?,?,?,?,?,?)", comparison.id(), comparison.ownerId(),
                    comparison.leftSessionId(), comparison.rightSessionId(), comparison.options(), comparison.summary(),
                    comparison.createdAt());
            return null;
        });
    }

    private static void insertFiles(Connection c, String comparisonId, List<FileRecord> files) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO comparison_files (comparison_id, ordinal, path, result,"
                + " left_columns, right_columns) VALUES (?,?,?,?,?,?)")) {
            for (FileRecord f : files) {
                Database.bind(ps, comparisonId, f.ordinal(), f.path(), f.result(), JsonLists.array(f.leftColumns()),
                        JsonLists.array(f.rightColumns()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    public Optional<ComparisonRecord> get(String id) {
        return db.queryOne("SELECT * FROM comparisons WHERE id = ?", r -> new ComparisonRecord(r.getString("id"),
                r.getString("owner_id"), r.getString("left_session_id"), r.getString("right_session_id"),
                r.getBytes("options"), r.getBytes("summary"), Database.instant(r, "created_at")), id);
    }

    public List<ComparisonRecord> list(String ownerId, String beforeId, int limit) {
        List<Object> params = new ArrayList<>(List.of(beforeId));
        String where = "id < ?";
        if (ownerId != null) {
            where += " AND owner_id = ?";
            params.add(ownerId);
        }
        params.add(limit);
        return db.query("SELECT * FROM comparisons WHERE " + where + " ORDER BY id DESC LIMIT ?",
                r -> new ComparisonRecord(r.getString("id"), r.getString("owner_id"), r.getString("left_session_id"),
                        r.getString("right_session_id"), r.getBytes("options"), r.getBytes("summary"),
                        Database.instant(r, "created_at")), params.toArray());
    }

    public List<FileRecord> files(String comparisonId) {
        return db.query("SELECT * FROM comparison_files WHERE comparison_id = ? ORDER BY path",
                r -> new FileRecord(r.getInt("ordinal"), r.getString("path"), r.getBytes("result"),
                        JsonLists.strings(r.getString("left_columns")), JsonLists.strings(r.getString("right_columns"))),
                comparisonId);
    }

    /** Deltas after {@code afterSeq}, optionally of one file and one change type, in order. */
    public List<DeltaRecord> deltas(String comparisonId, Integer fileOrdinal, String changeType, long afterSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, file_ordinal, change_type, delta FROM comparison_deltas"
                + " WHERE comparison_id = ? AND seq > ?");
        List<Object> params = new ArrayList<>(List.of(comparisonId, afterSeq));
        if (fileOrdinal != null) {
            sql.append(" AND file_ordinal = ?");
            params.add(fileOrdinal);
        }
        if (changeType != null) {
            sql.append(" AND change_type = ?");
            params.add(changeType);
        }
        sql.append(" ORDER BY seq LIMIT ?");
        params.add(limit);
        return db.query(sql.toString(), r -> new DeltaRecord(r.getLong(1), r.getInt(2), r.getString(3), r.getBytes(4)),
                params.toArray());
    }

    public void delete(String id) {
        db.transaction(c -> {
            Database.update(c, "DELETE FROM comparison_deltas WHERE comparison_id = ?", id);
            Database.update(c, "DELETE FROM comparison_files WHERE comparison_id = ?", id);
            Database.update(c, "DELETE FROM comparisons WHERE id = ?", id);
            return null;
        });
    }
}
