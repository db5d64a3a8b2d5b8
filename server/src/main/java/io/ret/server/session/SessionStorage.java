package io.ret.server.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

import io.ret.server.platform.error.ApiException;

/**
 * Where session files live (the runtime directory, or the shared volume on
 * Kubernetes):
 * <pre>
 * root/.uploads/&lt;uuid&gt;.part          an upload being received
 * root/&lt;session&gt;/archive.zip            the checked archive
 * root/&lt;session&gt;/staging-&lt;job&gt;/        a conversion writing (never read)
 * root/&lt;session&gt;/outputs-&lt;job&gt;/        published outputs, named by the database row
 * </pre>
 * Outputs are published by renaming a finished staging directory and then
 * pointing the session row at it, so readers never see a half-written set.
 */
public final class SessionStorage {
    private final Path root;

    public SessionStorage(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root.resolve(".uploads"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    public Path newUploadFile() {
        return root.resolve(".uploads").resolve(UUID.randomUUID() + ".part");
    }

    public Path sessionDir(String sessionId) {
        return root.resolve(sessionId);
    }

    public Path archive(String sessionId) {
        return sessionDir(sessionId).resolve("archive.zip");
    }

    public Path staging(String sessionId, String jobId) {
        return sessionDir(sessionId).resolve("staging-" + jobId);
    }

    public static String outputsDirName(String jobId) {
        return "outputs-" + jobId;
    }

    public Path outputsDir(SessionRecord session) {
        if (session.outputsDir() == null) {
            throw ApiException.failedPrecondition("NOT_CONVERTED", "session " + session.id() + " has no outputs yet");
        }
        return sessionDir(session.id()).resolve(session.outputsDir());
    }

    /** An output file, resolved safely: paths from clients never leave the outputs directory. */
    public Path output(SessionRecord session, String relativePath) {
        Path dir = outputsDir(session);
        Path file = dir.resolve(relativePath).normalize();
        if (!file.startsWith(dir) || relativePath.isEmpty()) {
            throw ApiException.invalid("path", "is not an output of this session");
        }
        return file;
    }

    /** Moves an uploaded, checked archive into its session directory. */
    public void adoptArchive(Path upload, String sessionId) throws IOException {
        Files.createDirectories(sessionDir(sessionId));
        Files.move(upload, archive(sessionId), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Renames a finished staging directory to its published name. */
    public Path publish(Path staging, String sessionId, String outputsDirName) throws IOException {
        Path target = sessionDir(sessionId).resolve(outputsDirName);
        deleteTree(target);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    public void deleteSession(String sessionId) {
        deleteTree(sessionDir(sessionId));
    }

    /** Removes an old outputs or staging directory of a session (ignored if gone). */
    public void deleteChild(String sessionId, String name) {
        deleteTree(sessionDir(sessionId).resolve(name));
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException ignored) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
