package io.ret.server.query;

import java.util.List;

import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.security.Principal;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;
import io.ret.server.session.Sessions;

/**
 * SQL over a session's converted tables, with ownership: a user reaches their own
 * sessions (admins all); another user's session is "not found".
 */
public final class Queries {
    private static final int MAX_SQL_CHARS = 100_000;

    private final Sessions sessions;
    private final SqlSandbox sandbox;

    public Queries(Sessions sessions, SqlSandbox sandbox) {
        this.sessions = sessions;
        this.sandbox = sandbox;
    }

    public List<SqlTable> tables(Principal principal, String sessionId) {
        return target(sessions.store(), sessions.storage(), sessions.withOutputs(principal, sessionId)).tables();
    }

    /** @param maxRows 0: the server's limit; never more than it */
    public SqlSandbox.Outcome run(Principal principal, String sessionId, String sql, int maxRows, CancelSignal cancel,
                                  RowSink sink) {
        SessionRecord session = sessions.withOutputs(principal, sessionId);
        String statement = Validate.required("sql", sql, MAX_SQL_CHARS);
        if (maxRows < 0) {
            throw ApiException.invalid("max_rows", "must not be negative (0 means " + sandbox.settings().maxRows() + ")");
        }
        int limit = maxRows == 0 ? sandbox.settings().maxRows() : Math.min(maxRows, sandbox.settings().maxRows());
        return sandbox.run(target(sessions.store(), sessions.storage(), session), statement, limit, cancel, sink);
    }

    /** What a statement over {@code session} may see: its tables, read where they lie. */
    public static SqlSandbox.Target target(SessionStore store, SessionStorage storage, SessionRecord session) {
        var outputs = storage.outputsDir(session);
        return new SqlSandbox.Target(outputs,
                storage.sessionDir(session.id()).resolve("sql").resolve(session.outputsDir() + "." + ViewDefinitions.VERSION + ".duckdb"),
                SessionTables.of(outputs, store.allOutputs(session.id())));
    }
}
