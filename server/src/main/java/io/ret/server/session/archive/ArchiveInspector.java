package io.ret.server.session.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether an uploaded archive may be read at all, before anything else reads it:
 * the directory checks of {@link ArchiveReader#open}, then every data entry decompressed
 * once and counted, so the sizes in the inventory are the real ones and a bomb is caught
 * as soon as it crosses a limit.
 */
public final class ArchiveInspector {

    private ArchiveInspector() {
    }

    /**
     * The archive's inventory with measured sizes.
     *
     * @throws ArchiveRejectedException when the archive is refused; {@code reason()} says why
     * @throws IOException              when the file cannot be read at all
     */
    public static Inventory inspect(Path archive, ArchiveLimits limits) throws IOException {
        try (ArchiveReader reader = ArchiveReader.open(archive, limits)) {
            Inventory declared = reader.inventory();
            List<InventoryEntry> measured = new ArrayList<>(declared.entries().size());
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            for (InventoryEntry entry : declared.entries()) {
                if (!entry.isData()) {
                    measured.add(entry);
                    continue;
                }
                long size = 0;
                try (InputStream in = reader.openEntry(entry)) {
                    for (int n; (n = in.read(buffer)) != -1; ) {
                        size += n;
                    }
                } catch (ArchiveRejectedException e) {
                    throw e;
                } catch (IOException e) {
                    throw new ArchiveRejectedException(ArchiveRejectedException.Reason.CORRUPT_ENTRY, entry.path(),
                            "entry '" + EntryNames.printable(entry.path()) + "' cannot be decompressed: " + e.getMessage());
                }
                total += size;
                measured.add(new InventoryEntry(entry.path(), entry.kind(), size, entry.compressedBytes(), null));
            }
            return new Inventory(declared.kind(), measured, total);
        }
    }
}
