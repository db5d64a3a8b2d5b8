package io.ret.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The tokens of {@code ret login}, per server, in {@code <config dir>/credentials.json}: the
 * directory mode 700, the file mode 600, replaced atomically so a crash never leaves half a file.
 */
public final class TokenStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One signed-in server. */
    public record Login(String username, String accessToken, Instant accessExpires, String refreshToken,
                        Instant refreshExpires) {
        boolean accessValidFor(long seconds, Instant now) {
            return accessExpires.isAfter(now.plusSeconds(seconds));
        }

        boolean refreshUsable(Instant now) {
            return !refreshToken.isEmpty() && refreshExpires.isAfter(now);
        }
    }

    private final Path file;

    public TokenStore(Path configDir) {
        this.file = configDir.resolve("credentials.json");
    }

    public Path file() {
        return file;
    }

    public synchronized Optional<Login> get(String server) {
        JsonTree tree = read();
        var node = tree.root.path("servers").path(server);
        if (node.isMissingNode() || !node.hasNonNull("accessToken")) {
            return Optional.empty();
        }
        return Optional.of(new Login(node.path("username").asText(""), node.path("accessToken").asText(),
                Instant.parse(node.path("accessTokenExpireTime").asText(Instant.EPOCH.toString())),
                node.path("refreshToken").asText(""),
                Instant.parse(node.path("refreshTokenExpireTime").asText(Instant.EPOCH.toString()))));
    }

    public synchronized void put(String server, Login login) {
        JsonTree tree = read();
        ObjectNode entry = tree.servers().putObject(server);
        entry.put("username", login.username());
        entry.put("accessToken", login.accessToken());
        entry.put("accessTokenExpireTime", login.accessExpires().toString());
        entry.put("refreshToken", login.refreshToken());
        entry.put("refreshTokenExpireTime", login.refreshExpires().toString());
        write(tree.root);
    }

    public synchronized boolean remove(String server) {
        JsonTree tree = read();
        boolean had = tree.servers().remove(server) != null;
        if (had) {
            write(tree.root);
        }
        return had;
    }

    private record JsonTree(ObjectNode root) {
        ObjectNode servers() {
            return root.has("servers") ? (ObjectNode) root.get("servers") : root.putObject("servers");
        }
    }

    private JsonTree read() {
        if (!Files.exists(file)) {
            return new JsonTree(JSON.createObjectNode());
        }
        try {
            return new JsonTree((ObjectNode) JSON.readTree(file.toFile()));
        } catch (IOException | ClassCastException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read " + file + " (" + e.getMessage()
                    + "); delete it and sign in again");
        }
    }

    private void write(ObjectNode root) {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path temp = posix ? Files.createTempFile(dir, "credentials", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, "credentials", ".tmp");
            try {
                JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), root);
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
