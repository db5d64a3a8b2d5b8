package io.ret.server.rag;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.ret.server.rag.chat.CitedRows;
import io.ret.server.rag.chunk.CsvFields;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;

/**
 * Natural keys of cited rows, from the schema each session's conversion wrote
 * ({@link TableLayout}); one per chat answer, so each session's schema is read once.
 */
final class RecordKeys {
    private final SessionStore sessions;
    private final SessionStorage storage;
    private final Map<String, TableLayout> layouts = new HashMap<>();

    RecordKeys(SessionStore sessions, SessionStorage storage) {
        this.sessions = sessions;
        this.storage = storage;
    }

    /** The key of the one cited row, or "" (several rows, no schema, or the session is gone). */
    String of(Chunk chunk, CitedRows.Rows rows) {
        if (rows.firstRow() != rows.lastRow() || rows.lines().size() != 1) {
            return "";
        }
        TableLayout layout = layouts.computeIfAbsent(chunk.sessionId(), this::layout);
        return layout.key(chunk.file(), CsvFields.split(rows.header()), CsvFields.split(rows.lines().getFirst()));
    }

    private TableLayout layout(String sessionId) {
        return sessions.get(sessionId).filter(s -> s.hasOutputs())
                .map(s -> TableLayout.of(storage.outputsDir(s)))
                .orElse(TableLayout.none());
    }

    /**
     * The rows the latest answer cited first (its marker [1]: the snippet without the header line),
     * which a follow-up's "it" refers to.
     */
    static List<String> citedRows(List<io.ret.api.v1.Citation> citations) {
        return citations.stream().limit(1)
                .flatMap(c -> c.getSnippet().lines().skip(1))
                .map(line -> line.endsWith("…") ? line.substring(0, line.length() - 1) : line)
                .toList();
    }
}
