package io.ret.server.conversion;

import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;

import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.session.archive.ZipBytes;

/**
 * The key check and the write pass on several threads: the same keys and bytes as one, and
 * failures and cancellation that leave nothing.
 */
class ParallelWriteTest {

    @TempDir
    Path dir;

    private static ArchiveConverter converter(Layout layout, int threads) {
        return new ArchiveConverter(ConversionOptions.defaults().withLayout(layout), ArchiveLimits.defaults(), threads);
    }

    /** Every spill in a file, none held in memory. */
    private static ArchiveConverter spillingToFiles(Layout layout, int threads) {
        return new ArchiveConverter(ConversionOptions.defaults().withLayout(layout), ArchiveLimits.defaults(), threads, 0);
    }

    /**
     * Orders whose key ({@code <no>}) stands after their lines, so line rows wait for it;
     * lines with serials (a grandchild table); a column that is an integer in some files and
     * text in one; a second record type; and a file that fails.
     */
    private Path archive() throws IOException {
        Map<String, Object> entries = new LinkedHashMap<>();
        int order = 0;
        for (int file = 0; file < 9; file++) {
            String name = String.format("orders-%02d.xml", file);
            if (file == 3) {
                entries.put(name, "<orders><order><no>x</no></orders>"); // fails alone
                continue;
            }
            StringBuilder xml = new StringBuilder("<orders>");
            for (int i = 0; i < 40 * (file + 1); i++, order++) {
                xml.append("<order>");
                for (int line = 1; line <= 1 + order % 3; line++) {
                    xml.append("<line sku=\"S").append(line).append("\"><qty>").append(file == 5 ? "n/a" : line)
                            .append("</qty><serial>A").append(order).append("</serial><serial>B</serial></line>");
                }
                xml.append("<note>a \"quoted\", note</note><no>ORD-").append(order).append("</no></order>");
            }
            entries.put(name, xml.append("</orders>").toString());
        }
        entries.put("people.xml", "<people><person id=\"p1\"><name>Ann</name></person>"
                + "<person id=\"p2\"><name>Bo</name></person></people>");
        return ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(entries));
    }

    @Test
    void fourWritingThreadsWithSpillsInMemoryGiveExactlyTheBytesOfOneWithSpillFiles() throws Exception {
        Path zip = archive();
        for (Layout layout : Layout.values()) {
            Path one = dir.resolve(layout + "-one");
            Path four = dir.resolve(layout + "-four");

            // one thread writes runs of several files, four write runs of one or two
            ConversionSummary serial = spillingToFiles(layout, 1).convert(zip, one, ConversionProgress.NONE);
            ConversionSummary parallel = converter(layout, 4).convert(zip, four, ConversionProgress.NONE);

            assertThat(parallel).isEqualTo(serial);
            assertThat(parallel.filesSucceeded()).isEqualTo(9);
            assertThat(parallel.failures()).extracting(FileFailure::path).containsExactly("orders-03.xml");
            assertThat(files(four)).isEqualTo(files(one));
            for (String file : files(one)) {
                assertThat(Files.readAllBytes(four.resolve(file))).as(file).isEqualTo(Files.readAllBytes(one.resolve(file)));
            }
        }
    }

    @Test
    void perFileTablesGetTheSamePermissionsAsMergedOnes() throws Exception {
        Path zip = archive();
        Path merged = dir.resolve("merged");
        Path perFile = dir.resolve("per-file");
        converter(Layout.MERGED, 4).convert(zip, merged, ConversionProgress.NONE);
        converter(Layout.PER_FILE, 4).convert(zip, perFile, ConversionProgress.NONE);
        Path plain = Files.createFile(dir.resolve("plain.csv"));
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"));

        Object expected = Files.getPosixFilePermissions(plain);
        assertThat(Files.getPosixFilePermissions(merged.resolve("orders.order.csv"))).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(perFile.resolve("orders-00.csv"))).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(perFile.resolve("orders-00.line.csv"))).isEqualTo(expected);
    }

    @Test
    void mergedRowIdsGoOnAcrossFilesWrittenByDifferentThreads() throws Exception {
        Path out = dir.resolve("out");

        ConversionSummary summary = converter(Layout.MERGED, 4).convert(archive(), out, ConversionProgress.NONE);

        List<List<String>> orders = csv(out.resolve("orders.order.csv"));
        List<List<String>> lines = csv(out.resolve("orders.order.line.csv"));
        List<List<String>> serials = csv(out.resolve("orders.order.line.serial.csv"));
        assertThat(orders.getFirst()).containsExactly("_id", "_file", "_line", "note", "no");
        assertThat(lines.getFirst()).containsExactly("_id", "_parent_id", "_root_id", "_file", "_line", "order.no",
                "_position", "@sku", "qty");
        // 40 + 80 + 120 orders in files 0..2 (file 3 failed): file 4's first order is the 241st row
        assertThat(orders.get(241)).containsExactly("241", "orders-04.xml", "1", "a \"quoted\", note", "ORD-240");
        assertThat(ids(orders)).isEqualTo(sequence(orders.size() - 1));
        assertThat(ids(lines)).isEqualTo(sequence(lines.size() - 1));
        assertThat(ids(serials)).isEqualTo(sequence(serials.size() - 1));
        // order 240 (the first of file 4) has 1 + 240 % 3 = 1 line, after the 480 lines of orders 0..239
        assertThat(lines.get(481)).containsExactly("481", "241", "241", "orders-04.xml", "1", "ORD-240", "1", "S1",
                "1");
        for (List<String> line : lines.subList(1, lines.size())) {
            List<String> parent = orders.get(Integer.parseInt(line.get(1)));
            assertThat(line.get(5)).isEqualTo(parent.get(4)); // order.no is the parent row's key
            assertThat(line.get(3)).isEqualTo(parent.get(1));
        }
        // qty is text in one file only, and so text in the merged table
        assertThat(summary.schema().tables()).filteredOn(t -> t.name().equals("orders.order.line")).singleElement()
                .satisfies(t -> assertThat(t.columns()).filteredOn(c -> c.name().equals("qty")).singleElement()
                        .satisfies(c -> assertThat(c.type().name()).isEqualTo("STRING")));
        assertThat(csv(out.resolve("people.person.csv"))).containsExactly(row("_id", "_file", "_line", "@id", "name"),
                row("1", "people.xml", "1", "p1", "Ann"), row("2", "people.xml", "1", "p2", "Bo"));
    }

    @Test
    void progressNamesEveryFileWrittenAndNeverPassesItsTotal() throws Exception {
        List<String> phases = Collections.synchronizedList(new ArrayList<>());
        long[] work = new long[2];
        AtomicBoolean overshot = new AtomicBoolean();

        converter(Layout.MERGED, 4).convert(archive(), dir.resolve("out"), new ConversionProgress() {
            @Override
            public void start(long totalBytes) {
                work[1] = totalBytes;
            }

            @Override
            public void bytesRead(long delta) {
                work[0] += delta;
                overshot.compareAndSet(false, work[0] > work[1]);
            }

            @Override
            public void phase(String phase) {
                phases.add(phase);
            }
        });

        assertThat(overshot).isFalse();
        assertThat(work[0]).isEqualTo(work[1]);
        assertThat(phases).filteredOn(p -> p.startsWith("writing ")).containsExactlyInAnyOrder(
                "writing orders-00.xml", "writing orders-01.xml", "writing orders-02.xml", "writing orders-04.xml",
                "writing orders-05.xml", "writing orders-06.xml", "writing orders-07.xml", "writing orders-08.xml",
                "writing people.xml");
    }

    @Test
    void cancellationWhileKeysAreCheckedOrFilesWrittenLeavesNothing() throws Exception {
        for (String cancelAt : List.of("checking keys in ", "writing ")) {
            Path out = dir.resolve("out-" + cancelAt.strip().replace(' ', '-'));
            AtomicBoolean reached = new AtomicBoolean();
            List<String> phases = Collections.synchronizedList(new ArrayList<>());
            ConversionProgress cancelOnceThere = new ConversionProgress() {
                @Override
                public void phase(String phase) {
                    phases.add(phase);
                    reached.compareAndSet(false, phase.startsWith(cancelAt));
                }

                @Override
                public boolean cancelled() {
                    return reached.get();
                }
            };

            assertThatThrownBy(() -> converter(Layout.MERGED, 4).convert(archive(), out, cancelOnceThere))
                    .as(cancelAt).isInstanceOf(ConversionCancelledException.class);
            assertThat(reached).as(cancelAt).isTrue();
            assertThat(out).as(cancelAt).doesNotExist();
            if (cancelAt.startsWith("checking")) { // each of the 4 threads stops before its next file
                assertThat(phases.stream().filter(p -> p.startsWith(cancelAt))).hasSizeLessThanOrEqualTo(4);
                assertThat(phases).noneMatch(p -> p.startsWith("writing "));
            }
        }
    }

    @Test
    void aFileThatCannotBeReadAgainWhileWritingFailsTheConversionAndLeavesTheDirectoryAsItWas() throws Exception {
        Path zip = archive();
        for (Layout layout : Layout.values()) {
            Path out = Files.createDirectories(dir.resolve("staging-" + layout));
            Files.writeString(out.resolve("keep.txt"), "not ours");
            ConversionProgress loseSpillsOnceWriting = new ConversionProgress() {
                @Override
                public void phase(String phase) {
                    if (phase.startsWith("writing ")) {
                        try (Stream<Path> spills = Files.list(out)) {
                            for (Path spill : spills.filter(p -> p.getFileName().toString().startsWith(".ret-spill-"))
                                    .toList()) {
                                Files.delete(spill);
                            }
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            };

            assertThatThrownBy(() -> spillingToFiles(layout, 4).convert(zip, out, loseSpillsOnceWriting))
                    .isInstanceOf(NoSuchFileException.class);
            assertThat(files(out)).containsExactly("keep.txt"); // no table, part or spill file
        }
    }

    private static List<String> ids(List<List<String>> table) {
        return table.subList(1, table.size()).stream().map(List::getFirst).toList();
    }

    private static List<String> sequence(int count) {
        List<String> numbers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            numbers.add(Integer.toString(i));
        }
        return numbers;
    }

    /**
     * Files split between checking threads must still see a value repeated across them: here
     * {@code code} repeats only between the first and the last file, which two or more threads
     * check apart; the lines' {@code no} repeats across orders but never within one.
     */
    @Test
    void aKeyValueRepeatedInTheFirstAndTheLastFileIsNoKeyWhateverTheThreads() throws Exception {
        for (boolean repeated : new boolean[] {true, false}) {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (int file = 0; file < 8; file++) {
                StringBuilder xml = new StringBuilder("<items>");
                for (int i = 0; i < 50; i++) {
                    String code = repeated && file == 7 && i == 49 ? "C-0-0" : "C-" + file + "-" + i;
                    xml.append("<item><code>").append(code).append("</code><label>x</label>")
                            .append("<line><no>1</no></line><line><no>2</no></line></item>");
                }
                entries.put(String.format("items-%02d.xml", file), xml.append("</items>").toString());
            }
            Path zip = ZipBytes.write(dir.resolve(repeated + ".zip"), ZipBytes.zip(entries));
            for (int threads : new int[] {1, 2, 4}) {
                ConversionSummary summary = converter(Layout.MERGED, threads)
                        .convert(zip, dir.resolve(repeated + "-" + threads), ConversionProgress.NONE);

                TableSchema item = summary.schema().table("item").orElseThrow();
                TableSchema line = summary.schema().table("item.line").orElseThrow();
                if (repeated) {
                    assertThat(item.primaryKey()).as(threads + " threads").doesNotContain("code");
                    assertThat(item.keySource()).as(threads + " threads").isNotEqualTo(KeySource.DETECTED);
                } else {
                    assertThat(item.primaryKey()).as(threads + " threads").containsExactly("code");
                    assertThat(line.primaryKey()).as(threads + " threads").containsExactly("item.code", "no");
                }
                assertThat(item.rows()).isEqualTo(400);
                assertThat(line.rows()).isEqualTo(800);
            }
        }
    }


    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
