package io.ret.server.query.ask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.query.Queries;
import io.ret.server.query.SqlSandbox;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;

/**
 * The value dictionary of each session's outputs, kept as a JSON file beside the
 * session's SQL views (on the session volume, which the server and worker pods
 * share). The indexing job writes it; a session indexed before dictionaries existed
 * gets one on first use.
 */
public final class SessionDictionaries {
    private static final Logger LOG = Logger.getLogger(SessionDictionaries.class.getName());
    private final SessionStore sessions;
    private final SessionStorage storage;
    private final Map<Path, ValueDictionary> loaded = new ConcurrentHashMap<>();

    public SessionDictionaries(SessionStore sessions, SessionStorage storage) {
        this.sessions = sessions;
        this.storage = storage;
    }

    /**
     * Called by the indexing job once the session's chunks are stored. A failure is logged, not
     * thrown: the chunks are good without it, and the first question tries again.
     */
    public void index(SessionRecord session) {
        try {
            ValueDictionary dictionary = ValueDictionary.build(target(session));
            dictionary.write(file(session));
            loaded.put(file(session), dictionary);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot build the value dictionary of session " + session.id(), e);
        }
    }

    public SqlSandbox.Target target(SessionRecord session) {
        return Queries.target(sessions, storage, session);
    }

    public ValueDictionary of(SessionRecord session) {
        Path file = file(session);
        return loaded.computeIfAbsent(file, f -> {
            try {
                if (Files.isRegularFile(f)) {
                    return ValueDictionary.read(f);
                }
                ValueDictionary built = ValueDictionary.build(target(session));
                built.write(f);
                return built;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the value dictionary of session " + session.id(), e);
            }
        });
    }

    private Path file(SessionRecord session) {
        Path views = target(session).viewsFile();
        return views.resolveSibling(views.getFileName().toString().replace(".duckdb", ".values.json"));
    }
}
