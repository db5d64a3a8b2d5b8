package io.ret.server.session.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.ret.server.session.archive.ArchiveRejectedException.Reason;

class ArchiveInspectorTest {

    private static final ArchiveLimits DEFAULTS = ArchiveLimits.defaults();

    @TempDir
    Path dir;

    @Test
    void listsDataAndSkipsJunkWithReasons() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("data/", "");
        entries.put("data/b.XML", "<r/>");
        entries.put("data/a.xml", "<r><v>1</v></r>");
        entries.put("data/map.osm", "<osm/>");
        entries.put("__MACOSX/data/._a.xml", "junk");
        entries.put(".DS_Store", "junk");
        entries.put("data/notes.txt", "text");
        entries.put("data/extra.csv", "a,b\n");
        Path zip = zip(entries);

        Inventory inventory = ArchiveInspector.inspect(zip, DEFAULTS);

        assertThat(inventory.kind()).isEqualTo(ArchiveKind.XML);
        assertThat(inventory.uncompressedBytes()).isEqualTo(4 + 15 + 6);
        assertThat(inventory.entries())
                .extracting(InventoryEntry::path, InventoryEntry::kind, InventoryEntry::sizeBytes, InventoryEntry::skipReason)
                .containsExactly(
                        tuple(".DS_Store", EntryKind.SKIPPED, 0L, "macOS metadata (.DS_Store)"),
                        tuple("__MACOSX/data/._a.xml", EntryKind.SKIPPED, 0L, "macOS metadata (__MACOSX)"),
                        tuple("data", EntryKind.SKIPPED, 0L, "directory"),
                        tuple("data/a.xml", EntryKind.XML, 15L, null),
                        tuple("data/b.XML", EntryKind.XML, 4L, null),
                        tuple("data/extra.csv", EntryKind.SKIPPED, 0L,
                                "CSV file in an XML archive: only the XML files are converted"),
                        tuple("data/map.osm", EntryKind.XML, 6L, null),
                        tuple("data/notes.txt", EntryKind.SKIPPED, 0L, "not an XML or CSV file"));
    }

    @Test
    void csvOnlyArchiveIsACsvArchive() throws Exception {
        Inventory inventory = ArchiveInspector.inspect(zip(Map.of("x.CSV", "a\n1\n", "readme.md", "#")), DEFAULTS);

        assertThat(inventory.kind()).isEqualTo(ArchiveKind.CSV);
        assertThat(inventory.dataEntries()).extracting(InventoryEntry::path).containsExactly("x.CSV");
    }

    @Test
    void archiveWithoutDataIsRejected() throws Exception {
        assertRejected(zip(Map.of("readme.txt", "x", "d/", "")), DEFAULTS, Reason.NO_DATA_ENTRIES);
    }

    @Test
    void notAZipIsRejected() throws Exception {
        assertRejected(Files.writeString(dir.resolve("x.zip"), "<r/> is not a zip"), DEFAULTS, Reason.NOT_A_ZIP);
        assertRejected(Files.write(dir.resolve("empty.zip"), new byte[0]), DEFAULTS, Reason.NOT_A_ZIP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.xml", "a/../../evil.xml", "/etc/evil.xml", "C:/evil.xml", "c:evil.xml",
            "a\\..\\evil.xml", "nul\u0000.xml", "line\nbreak.xml", "./", "a/.."})
    void unsafePathsAreRejected(String name) throws Exception {
        assertRejected(zip(Map.of("ok.xml", "<r/>", name, "<r/>")), DEFAULTS, Reason.UNSAFE_PATH);
    }

    @Test
    void namesThatNormaliseToTheSamePathAreDuplicates() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("a/b.xml", "<r/>");
        entries.put("a//./b.xml", "<r/>");
        assertRejected(zip(entries), DEFAULTS, Reason.DUPLICATE_ENTRY);
    }

    @Test
    void tooManyEntriesAreRejected() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            entries.put("f" + i + ".xml", "<r/>");
        }
        assertRejected(zip(entries), new ArchiveLimits(3, 1000, 10_000, 100), Reason.TOO_MANY_ENTRIES);
    }

    @Test
    void declaredSizesOverTheLimitsAreRejected() throws Exception {
        ArchiveLimits limits = new ArchiveLimits(10, 1000, 1500, 100);
        assertRejected(zip(Map.of("big.xml", randomText(2000))), limits, Reason.ENTRY_TOO_LARGE);
        assertRejected(zip(Map.of("a.xml", randomText(900), "b.xml", randomText(900))), limits, Reason.TOTAL_TOO_LARGE);
    }

    @Test
    void lyingHeaderIsCaughtByCountingWhatIsReallyRead() throws Exception {
        byte[] zip = ZipBytes.declareSize(ZipBytes.zip(Map.of("big.xml", randomText(5000))), "big.xml", 10);
        ArchiveLimits limits = new ArchiveLimits(10, 1000, 100_000, 100);

        assertRejected(ZipBytes.write(dir.resolve("lying.zip"), zip), limits, Reason.ENTRY_TOO_LARGE);
    }

    @Test
    void zipBombIsRejectedByItsDeclaredRatio() throws Exception {
        assertRejected(zip(Map.of("bomb.xml", new byte[20 << 20])), DEFAULTS, Reason.COMPRESSION_RATIO);
    }

    @Test
    void zipBombWithALyingHeaderIsStoppedWhileReading() throws Exception {
        byte[] zip = ZipBytes.declareSize(ZipBytes.zip(Map.of("bomb.xml", new byte[50 << 20])), "bomb.xml", 100);
        Path file = ZipBytes.write(dir.resolve("bomb.zip"), zip);

        assertRejected(file, DEFAULTS, Reason.COMPRESSION_RATIO);
        try (ArchiveReader reader = ArchiveReader.open(file, DEFAULTS);
                InputStream in = reader.openEntry(reader.inventory().dataEntries().getFirst())) {
            byte[] buffer = new byte[8192];
            long read = 0;
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    read += n;
                }
            } catch (ArchiveRejectedException e) {
                assertThat(e.reason()).isEqualTo(Reason.COMPRESSION_RATIO);
            }
            // stopped just past the slack allowance, not after 50 MB
            assertThat(read).isLessThan(ArchiveLimits.ENTRY_RATIO_SLACK_BYTES + 64 * 1024 + 2 * buffer.length);
        }
    }

    /** 2000 entries of 1 MiB each: every entry stays at the old 1 MiB grace, the archive as a whole is a bomb. */
    @Test
    void manySmallBombEntriesAreRejectedByTheRatioAtAnySize() throws Exception {
        byte[] zip = ZipBytes.sameContent("part-", oneMiBOfMarkup(), 2000, false);
        Path file = ZipBytes.write(dir.resolve("many.zip"), zip);
        assertThat(zip.length).isLessThan(6_000_000);

        ArchiveRejectedException e = assertRejected(file, DEFAULTS, Reason.COMPRESSION_RATIO);
        assertThat(e.getMessage()).contains("ratio");
    }

    /** Entries each under the per-entry slack still cannot add up: the ratio holds over the archive. */
    @Test
    void entriesUnderThePerEntryAllowanceCannotAddUpToABomb() throws Exception {
        byte[] small = new byte[60 * 1024];
        Path declared = ZipBytes.write(dir.resolve("small.zip"), ZipBytes.sameContent("s-", small, 500, false));
        ArchiveRejectedException e = assertRejected(declared, DEFAULTS, Reason.COMPRESSION_RATIO);
        assertThat(e.getMessage()).contains("archive as a whole");

    }

    /** 1000 central-directory entries over one compressed stream (the overlapping-files bomb). */
    @Test
    void entriesSharingOneCompressedStreamAreRejectedAsOverlapping() throws Exception {
        Path bomb = ZipBytes.write(dir.resolve("overlap.zip"),
                ZipBytes.sameContent("o-", oneMiBOfMarkup(), 1000, true));
        ArchiveRejectedException e = assertRejected(bomb, DEFAULTS, Reason.OVERLAPPING_ENTRIES);
        assertThat(e.getMessage()).contains("o-0.xml").contains("overlapping");

        // data of an innocent ratio: only the shared bytes give it away
        Path innocent = ZipBytes.write(dir.resolve("overlap-text.zip"),
                ZipBytes.sameContent("t-", randomText(20_000).getBytes(), 1000, true));
        assertRejected(innocent, DEFAULTS, Reason.OVERLAPPING_ENTRIES);
    }

    @Test
    void anEntryBeyondTheCentralDirectoryStartIsRejected() throws Exception {
        byte[] zip = ZipBytes.sameContent("b-", randomText(5000).getBytes(), 3, false);
        // the last entry's data claims to run on into the central directory
        Path file = ZipBytes.write(dir.resolve("oob.zip"), ZipBytes.declareCompressedSize(zip, "b-2.xml", 100_000));

        ArchiveRejectedException e = assertRejected(file, DEFAULTS, Reason.ENTRY_OUT_OF_BOUNDS);
        assertThat(e.entry()).isEqualTo("b-2.xml");
    }

    @Test
    void anHonestArchiveOfManyEntriesIsAccepted() throws Exception {
        Path honest = ZipBytes.write(dir.resolve("honest.zip"),
                ZipBytes.sameContent("h-", randomText(30_000).getBytes(), 200, false));
        assertThat(ArchiveInspector.inspect(honest, DEFAULTS).dataEntries()).hasSize(200);
    }

    /** About 1 MiB of repetitive but real-looking XML (compresses several hundred times). */
    static byte[] oneMiBOfMarkup() {
        StringBuilder xml = new StringBuilder("<rows>");
        while (xml.length() < (1 << 20) - 32) {
            xml.append("<row><v>1</v></row>");
        }
        return xml.append("</rows>").toString().getBytes();
    }

    @Test
    void encryptedEntryIsRejected() throws Exception {
        byte[] zip = ZipBytes.markEncrypted(ZipBytes.zip(Map.of("a.xml", "<r/>", "secret.xml", "<r/>")), "secret.xml");

        ArchiveRejectedException e = assertRejected(ZipBytes.write(dir.resolve("enc.zip"), zip), DEFAULTS,
                Reason.ENCRYPTED_ENTRY);
        assertThat(e.entry()).isEqualTo("secret.xml");
        assertThat(e.getMessage()).contains("secret.xml");
    }

    @Test
    void corruptDataIsRejected() throws Exception {
        byte[] zip = ZipBytes.declareSize(ZipBytes.zip(Map.of("a.xml", "<r><v>hello</v></r>")), "a.xml", 18);

        assertRejected(ZipBytes.write(dir.resolve("bad.zip"), zip), DEFAULTS, Reason.CORRUPT_ENTRY);
    }

    @Test
    void directoryIsReadWithoutFollowingLinks() throws Exception {
        Path root = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(root.resolve("a.xml"), "<r/>");
        Files.createSymbolicLink(dir.resolve("tree/link.xml"), Path.of("/etc/passwd"));

        Inventory inventory = ArchiveInspector.inspect(dir.resolve("tree"), DEFAULTS);

        assertThat(inventory.entries()).extracting(InventoryEntry::path, InventoryEntry::kind, InventoryEntry::skipReason)
                .containsExactly(
                        tuple("link.xml", EntryKind.SKIPPED, "symbolic link"),
                        tuple("sub", EntryKind.SKIPPED, "directory"),
                        tuple("sub/a.xml", EntryKind.XML, null));
    }

    private Path zip(Map<String, ?> entries) throws Exception {
        return ZipBytes.write(Files.createTempFile(dir, "archive", ".zip"), ZipBytes.zip(entries));
    }

    private static ArchiveRejectedException assertRejected(Path archive, ArchiveLimits limits, Reason reason) {
        ArchiveRejectedException[] caught = new ArchiveRejectedException[1];
        assertThatThrownBy(() -> ArchiveInspector.inspect(archive, limits))
                .isInstanceOfSatisfying(ArchiveRejectedException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    caught[0] = e;
                });
        return caught[0];
    }

    private static String randomText(int length) {
        Random random = new Random(length);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
