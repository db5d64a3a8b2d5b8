package io.ret.server.session.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@link ArchiveReader} over a directory tree, for local conversion. Symbolic links are
 * listed and never followed; sizes are the files' own, and the ratio does not apply.
 */
final class DirectoryArchiveReader implements ArchiveReader {

    private final Path root;
    private final Inventory inventory;
    private final Set<String> dataPaths;
    private final ArchiveLimits limits;
    private final LimitedInputStream.Total total = new LimitedInputStream.Total(Long.MAX_VALUE);

    private DirectoryArchiveReader(Path root, Inventory inventory, ArchiveLimits limits) {
        this.root = root;
        this.inventory = inventory;
        this.dataPaths = Set.copyOf(inventory.dataEntries().stream().map(InventoryEntry::path).toList());
        this.limits = limits;
    }

    static DirectoryArchiveReader open(Path directory, ArchiveLimits limits) throws IOException {
        Path root = directory.toRealPath();
        InventoryBuilder builder = new InventoryBuilder(limits);
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(paths::add);
        }
        for (Path path : paths) {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String skip = attributes.isDirectory() ? "directory"
                    : attributes.isSymbolicLink() ? "symbolic link"
                    : !attributes.isRegularFile() ? "not a regular file" : null;
            long size = attributes.isRegularFile() ? attributes.size() : 0;
            builder.add(entryName(root, path), skip, size, size);
        }
        return new DirectoryArchiveReader(root, builder.build(), limits);
    }

    private static String entryName(Path root, Path path) {
        StringBuilder name = new StringBuilder();
        for (Path segment : root.relativize(path)) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(segment);
        }
        return name.toString();
    }

    @Override
    public Inventory inventory() {
        return inventory;
    }

    @Override
    public InputStream openEntry(InventoryEntry entry) throws IOException {
        if (!dataPaths.contains(entry.path())) {
            throw new IllegalArgumentException("not a data entry of this directory: " + entry.path());
        }
        Path file = root.resolve(entry.path());
        // a directory swapped for a link since the listing must not lead outside the root
        if (!file.toRealPath().startsWith(root)) {
            throw new ArchiveRejectedException(ArchiveRejectedException.Reason.UNSAFE_PATH, entry.path(),
                    "'" + entry.path() + "' now leads outside the directory");
        }
        InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        // files are not compressed: no ratio to hold them to
        return new LimitedInputStream(in, entry.path(), () -> Long.MAX_VALUE, -1, -1, limits, total);
    }

    @Override
    public void close() {
        // nothing held open between entries
    }
}
