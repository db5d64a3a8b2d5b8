package io.ret.server.platform.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** A failed database call. The SQL text stays in the log, never in an answer to a client. */
public final class DataAccessException extends RuntimeException {
    public DataAccessException(String what, SQLException cause) {
        super(what + ": " + cause.getMessage(), cause);
    }

    /** True when the database could not be reached (as opposed to a bad statement or constraint). */
    public static boolean isConnectionFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** True for a unique-key violation, which stores turn into ALREADY_EXISTS. */
    public boolean isDuplicateKey() {
        return getCause() instanceof SQLException sql && (sql.getErrorCode() == 1062 || "23000".equals(sql.getSQLState())
                && sql.getMessage() != null && sql.getMessage().contains("Duplicate"));
    }
}
