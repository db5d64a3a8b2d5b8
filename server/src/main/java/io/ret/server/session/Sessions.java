package io.ret.server.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ret.server.job.Jobs;
import io.ret.server.platform.Ids;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.db.Database;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.security.Principal;
import io.ret.server.session.archive.ArchiveInspector;
import io.ret.server.session.archive.ArchiveKind;
import io.ret.server.session.archive.ArchiveReader;
import io.ret.server.session.archive.ArchiveRejectedException;
import io.ret.server.session.archive.Inventory;
import io.ret.server.session.archive.InventoryEntry;

/**
 * Sessions and their outputs, with ownership: users reach their own, admins
 * all; another user's session is "not found".
 */
public final class Sessions {
    /** The caller's current limits, looked up fresh for every upload. */
    public interface Limits {
        long maxUploadBytes(String userId);

        int maxSessions(String userId);
    }

    private final SessionStore store;
    private final SessionStorage storage;
    private final SessionSettings settings;
    private final Jobs jobs;
    private final Limits limits;
    private final Database db;
    private final Clock clock;

    public Sessions(SessionStore store, SessionStorage storage, SessionSettings settings, Jobs jobs, Limits limits,
                    Database db, Clock clock) {
        this.store = store;
        this.storage = storage;
        this.settings = settings;
        this.jobs = jobs;
        this.limits = limits;
        this.db = db;
        this.clock = clock;
    }

    public SessionStore store() {
        return store;
    }

    public SessionStorage storage() {
        return storage;
    }

    public SessionSettings settings() {
        return settings;
    }

    public Upload beginUpload(Principal owner, String fileName, long declaredSize, String description) {
        return Upload.begin(this, owner, fileName, declaredSize, description, limits.maxUploadBytes(owner.userId()),
                limits.maxSessions(owner.userId()));
    }

    void requireSessionSlot(Principal owner, int maxSessions) {
        if (store.count(owner.userId()) >= maxSessions) {
            throw sessionLimit(maxSessions);
        }
    }

    private static ApiException sessionLimit(int maxSessions) {
        return ApiException.resourceExhausted("SESSION_LIMIT", "you keep " + maxSessions + " session(s), your limit;"
                + " delete one or ask for more with AuthService.RequestLimitIncrease", null)
                .with(Map.of("limit", Integer.toString(maxSessions)));
    }

    /** Checks the received archive and turns it into a session; on refusal nothing is kept. */
    SessionRecord create(Principal owner, String fileName, String description, Path upload, long size) {
        Inventory inventory;
        try {
            inventory = ArchiveInspector.inspect(upload, settings.limits());
        } catch (ArchiveRejectedException e) {
            throw ApiException.invalid("ARCHIVE_" + e.reason().name(), "archive", e.getMessage());
        } catch (IOException e) {
            throw ApiException.invalid("ARCHIVE_UNREADABLE", "archive", "cannot be read as a ZIP archive");
        }
        String id = Ids.newId();
        Instant now = clock.instant();
        try {
            storage.adoptArchive(upload, id);
            List<OutputRecord> outputs = List.of();
            String outputsDir = null;
            if (inventory.kind() == ArchiveKind.CSV) {
                outputsDir = SessionStorage.outputsDirName("upload");
                outputs = extractCsv(id, inventory, storage.sessionDir(id).resolve(outputsDir));
            }
            SessionRecord session = new SessionRecord(id, owner.userId(), fileName, description, inventory.kind(),
                    inventory.kind() == ArchiveKind.CSV ? SessionRecord.State.CONVERTED : SessionRecord.State.UPLOADED,
                    size, inventory.uncompressedBytes(), outputsDir, null, now, now);
            List<OutputRecord> rows = outputs;
            int max = limits.maxSessions(owner.userId());
            db.transaction(c -> {
                if (SessionStore.countForUpdate(c, owner.userId()) >= max) {
                    throw sessionLimit(max);
                }
                store.insert(c, session, inventory.entries(), rows);
                return null;
            });
            return store.get(id).orElseThrow();
        } catch (IOException | RuntimeException e) {
            storage.deleteSession(id);
            if (e instanceof ArchiveRejectedException rejected) {
                throw ApiException.invalid("ARCHIVE_" + rejected.reason().name(), "archive", rejected.getMessage());
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot store session " + id, io);
            }
            throw (RuntimeException) e;
        }
    }

    /** A CSV archive's entries are its outputs: copied out (limited, like any read) and described. */
    private List<OutputRecord> extractCsv(String sessionId, Inventory inventory, Path outputs) throws IOException {
        List<OutputRecord> result = new ArrayList<>();
        List<ApiException.Violation> invalid = new ArrayList<>();
        try (ArchiveReader reader = ArchiveReader.open(storage.archive(sessionId), settings.limits())) {
            for (InventoryEntry entry : inventory.dataEntries()) {
                Path target = outputs.resolve(entry.path()).normalize();
                if (!target.startsWith(outputs)) {
                    throw new IllegalStateException("entry " + entry.path() + " leaves the outputs directory");
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = reader.openEntry(entry)) {
                    Files.copy(in, target);
                }
                try {
                    CsvCheck.Shape shape = CsvCheck.check(target);
                    result.add(new OutputRecord(sessionId, result.size(), entry.path(), entry.path(), "",
                            Files.size(target), shape.rows(), shape.header(), null));
                } catch (CsvCheck.Invalid e) {
                    if (invalid.size() < 10) {
                        invalid.add(new ApiException.Violation("archive/" + entry.path(), e.getMessage()));
                    }
                }
            }
        }
        if (!invalid.isEmpty()) {
            throw ApiException.invalid("CSV_INVALID", invalid.getFirst().field(),
                    "cannot be read as CSV: " + invalid.getFirst().description()).withViolations(invalid);
        }
        return result;
    }

    public SessionRecord get(Principal principal, String id) {
        Validate.id("session_id", id);
        return store.get(id).filter(s -> principal.mayAccess(s.ownerId()))
                .orElseThrow(() -> ApiException.notFound("session", id));
    }

    /** @param ownerId empty: the caller's own (users) or everyone's (admins) */
    public List<SessionRecord> list(Principal principal, String ownerId, String beforeId, int limit) {
        if (principal.isAdmin()) {
            return store.list(ownerId == null || ownerId.isEmpty() ? null : Validate.id("owner_id", ownerId), beforeId, limit);
        }
        if (ownerId != null && !ownerId.isEmpty() && !ownerId.equals(principal.userId())) {
            throw ApiException.permissionDenied("NOT_YOUR_SESSIONS", "only admins list other users' sessions");
        }
        return store.list(principal.userId(), beforeId, limit);
    }

    public void delete(Principal principal, String id) {
        SessionRecord session = get(principal, id);
        jobs.whileIdle(session.id(), "the session", c -> {
            SessionStore.delete(c, session.id());
            return null;
        });
        storage.deleteSession(session.id());
    }

    /** A session whose outputs can be read (converted, or a CSV archive). */
    public SessionRecord withOutputs(Principal principal, String id) {
        SessionRecord session = get(principal, id);
        if (!session.hasOutputs()) {
            throw ApiException.failedPrecondition("NOT_CONVERTED",
                    "session " + id + " has no outputs yet; convert it first (ConversionService.StartConversion)");
        }
        return session;
    }

    public OutputRecord output(SessionRecord session, String path) {
        Validate.required("path", path, 1024);
        return store.output(session.id(), path).orElseThrow(() -> ApiException.notFound("output", path));
    }
}
