package io.ret.server.conversion;

import io.ret.server.conversion.schema.Layout;

import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.session.archive.ArchiveRejectedException;
import io.ret.server.session.archive.ZipBytes;

class ArchiveConverterTest {

    private static final ArchiveConverter CONVERTER = new ArchiveConverter(ConversionOptions.defaults(),
            ArchiveLimits.defaults());
    /** Four scanning threads whatever the machine, so files are read concurrently even on one core. */
    private static final ArchiveConverter FOUR_SCANNERS = new ArchiveConverter(ConversionOptions.defaults(),
            ArchiveLimits.defaults(), 4);
    private static final ArchiveConverter ONE_SCANNER = new ArchiveConverter(ConversionOptions.defaults(),
            ArchiveLimits.defaults(), 1);

    /** Names its outputs after the XML files, which the tests about failures and names look at. */
    private static final ArchiveConverter PER_FILE = new ArchiveConverter(
            ConversionOptions.defaults().withLayout(Layout.PER_FILE), ArchiveLimits.defaults());

    @TempDir
    Path dir;

    @Test
    void badFilesFailAloneAndTheOthersConvert() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("good/a.xml", "<r><v>1</v><v>2</v></r>");
        entries.put("empty.xml", "");
        entries.put("not-xml.xml", "name,value\nx,1\n");
        entries.put("broken.xml", "<r>\n  <v>1</v>\n  <v>2</w>\n</r>");
        entries.put("truncated.xml", "<r><v>1</v><v>2</v>");
        entries.put("good/b.xml", "<list><item id=\"7\"/><item id=\"8\"/></list>");
        entries.put("readme.txt", "not converted");
        Path zip = ZipBytes.write(dir.resolve("mixed.zip"), ZipBytes.zip(entries));

        ConversionSummary summary = PER_FILE.convert(zip, dir.resolve("out"), ConversionProgress.NONE);

        assertThat(summary.filesTotal()).isEqualTo(6);
        assertThat(summary.filesSucceeded()).isEqualTo(2);
        assertThat(summary.filesFailed()).isEqualTo(4);
        assertThat(summary.failures()).extracting(FileFailure::path, FileFailure::line, FileFailure::column)
                .containsExactly(
                        tuple("broken.xml", 3, 9),
                        tuple("empty.xml", 1, 1),
                        tuple("not-xml.xml", 1, 1),
                        tuple("truncated.xml", 1, 19));
        assertThat(summary.failures().getFirst().reason()).contains("</w>");
        assertThat(summary.outputs()).extracting(TableOutput::path).containsExactly("good/a.csv", "good/b.csv");
        assertThat(summary.rowsWritten()).isEqualTo(4);
        assertThat(summary.bytesWritten()).isEqualTo(Files.size(dir.resolve("out/good/a.csv"))
                + Files.size(dir.resolve("out/good/b.csv")));
        assertThat(csv(dir, "good/b.csv")).containsExactly(row("_id", "@id"), row("1", "7"), row("2", "8"));
        assertThat(files(dir.resolve("out"))).containsExactlyInAnyOrder("good", "good/a.csv", "good/b.csv",
                "datapackage.json");
    }

    @Test
    void convertingTwiceGivesIdenticalBytes() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("orders.xml", """
                <orders><order id="1"><b>x</b><line><p>1</p></line><line><q>2</q></line></order>
                <order id="2"><a>y</a><line><p>3</p></line></order></orders>""");
        entries.put("other.xml", "<r><x k=\"1\">a</x><x>b</x></r>");
        Path zip = ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(entries));

        ConversionSummary first = CONVERTER.convert(zip, dir.resolve("one"), ConversionProgress.NONE);
        ConversionSummary second = CONVERTER.convert(zip, dir.resolve("two"), ConversionProgress.NONE);

        assertThat(second).isEqualTo(first);
        for (TableOutput output : first.outputs()) {
            assertThat(Files.readAllBytes(dir.resolve("two").resolve(output.path())))
                    .isEqualTo(Files.readAllBytes(dir.resolve("one").resolve(output.path())));
        }
        // two document elements, two record types: merged tables are named after both
        assertThat(first.outputs()).extracting(TableOutput::path)
                .containsExactly("orders.order.csv", "orders.order.line.csv", "r.x.csv");
        assertThat(csv(dir.resolve("one/orders.order.line.csv")).getFirst())
                .containsExactly("_id", "_parent_id", "_root_id", "_file", "_line", "order@id", "_position", "p", "q");
        assertThat(csv(dir.resolve("one/orders.order.csv")).getFirst()).containsExactly("_id", "_file", "_line", "@id", "b", "a");
        assertThat(Files.readAllBytes(dir.resolve("two/datapackage.json")))
                .isEqualTo(Files.readAllBytes(dir.resolve("one/datapackage.json")));
    }

    @Test
    void filesScannedConcurrentlyGiveExactlyWhatOneScannerGives() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            String name = String.format("part-%02d.xml", i);
            switch (i % 6) {
                case 2 -> entries.put(name, "<r><v>" + i + "</v><v>" + i + "</w></r>"); // fails alone
                case 4 -> entries.put(name, ""); // fails alone
                default -> {
                    StringBuilder xml = new StringBuilder("<orders>");
                    for (int row = 0; row < 200 * (i + 1); row++) {
                        xml.append("<order id=\"").append(row).append("\"><note>a \"quoted\", line\n").append(i)
                                .append("</note><line><q>").append(row % 7).append("</q></line><line><q>x</q></line></order>");
                    }
                    entries.put(name, xml.append("</orders>").toString());
                }
            }
        }
        Path zip = ZipBytes.write(dir.resolve("many.zip"), ZipBytes.zip(entries));

        ConversionSummary serial = ONE_SCANNER.convert(zip, dir.resolve("serial"), ConversionProgress.NONE);
        ConversionSummary concurrent = FOUR_SCANNERS.convert(zip, dir.resolve("concurrent"), ConversionProgress.NONE);

        assertThat(concurrent).isEqualTo(serial);
        assertThat(concurrent.filesSucceeded()).isEqualTo(16);
        assertThat(concurrent.failures()).extracting(FileFailure::path)
                .containsExactly("part-02.xml", "part-04.xml", "part-08.xml", "part-10.xml", "part-14.xml",
                        "part-16.xml", "part-20.xml", "part-22.xml");
        assertThat(concurrent.outputs()).extracting(TableOutput::path).containsExactly("order.csv", "order.line.csv");
        for (TableOutput output : serial.outputs()) {
            assertThat(Files.readAllBytes(dir.resolve("concurrent").resolve(output.path())))
                    .isEqualTo(Files.readAllBytes(dir.resolve("serial").resolve(output.path())));
        }
        assertThat(csv(dir.resolve("concurrent/order.csv")).get(2))
                .containsExactly("2", "part-00.xml", "2", "1", "a \"quoted\", line\n0"); // line 2: after the first note's line break
        assertThat(files(dir.resolve("concurrent"))).containsExactlyInAnyOrder("order.csv", "order.line.csv",
                "datapackage.json"); // and no spill file
    }

    @Test
    void aLimitCrossedWhileOtherFilesAreScannedAbortsAndLeavesNothing() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            entries.put("f" + i + ".xml", "<r>" + "<v>some value</v>".repeat(20_000 + i) + "</r>");
        }
        entries.put("f3.xml", "<r>" + "<v>0</v>".repeat(1_000_000) + "</r>");
        byte[] zip = ZipBytes.declareSize(ZipBytes.zip(entries), "f3.xml", 100);
        Path file = ZipBytes.write(dir.resolve("bomb.zip"), zip);
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> FOUR_SCANNERS.convert(file, out, ConversionProgress.NONE))
                .isInstanceOfSatisfying(ArchiveRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ArchiveRejectedException.Reason.COMPRESSION_RATIO));
        assertThat(out).doesNotExist();
    }

    @Test
    void cancellationMidFileLeavesNothing() throws Exception {
        StringBuilder xml = new StringBuilder("<r>");
        for (int i = 0; i < 100_000; i++) {
            xml.append("<v n=\"").append(i).append("\">value ").append(i).append("</v>");
        }
        xml.append("</r>");
        Path zip = ZipBytes.write(dir.resolve("big.zip"), ZipBytes.zip(Map.of("a.xml", "<r><v>1</v></r>",
                "b.xml", xml.toString(), "c.xml", xml.toString(), "d.xml", xml.toString())));
        AtomicLong seen = new AtomicLong();
        ConversionProgress cancelAfterFirstStep = new ConversionProgress() {
            @Override
            public void bytesRead(long delta) {
                seen.addAndGet(delta);
            }

            @Override
            public boolean cancelled() {
                return seen.get() > 100_000;
            }
        };
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> FOUR_SCANNERS.convert(zip, out, cancelAfterFirstStep))
                .isInstanceOf(ConversionCancelledException.class);
        assertThat(out).doesNotExist();
        assertThat(seen.get()).isLessThan(xml.length()); // each scanner stops within its first file
    }

    @Test
    void cancellationLeavesAnExistingOutputDirectoryAsItWas() throws Exception {
        Path zip = ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(Map.of("a.xml", "<r><v>1</v></r>")));
        Path out = Files.createDirectories(dir.resolve("staging"));
        Files.writeString(out.resolve("keep.txt"), "not ours");
        ConversionProgress cancelled = new ConversionProgress() {
            @Override
            public boolean cancelled() {
                return true;
            }
        };

        assertThatThrownBy(() -> CONVERTER.convert(zip, out, cancelled)).isInstanceOf(ConversionCancelledException.class);
        assertThat(files(out)).containsExactly("keep.txt");
    }

    @Test
    void progressCountsEveryXmlByte() throws Exception {
        String a = "<r><v>" + new java.util.Random(1).ints(200_000, 'a', 'z' + 1) // letters: no bomb-like ratio
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "</v></r>";
        String b = "<r><v>1</v></r>";
        Path zip = ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(Map.of("a.xml", a, "b.xml", b)));
        AtomicLong total = new AtomicLong();
        AtomicLong read = new AtomicLong();

        CONVERTER.convert(zip, dir.resolve("out"), new ConversionProgress() {
            @Override
            public void start(long totalBytes) {
                total.set(totalBytes);
            }

            @Override
            public void bytesRead(long delta) {
                read.addAndGet(delta);
            }
        });

        // three passes over the XML: read, check keys, write
        assertThat(total.get()).isEqualTo(3L * (a.length() + b.length()));
        assertThat(read.get()).isEqualTo(total.get());
    }

    @Test
    void aLimitCrossedWhileConvertingAbortsAndRemovesEverything() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("a.xml", "<r><v>1</v></r>");
        entries.put("z.xml", "<r>" + "<v>0</v>".repeat(1_000_000) + "</r>");
        byte[] zip = ZipBytes.declareSize(ZipBytes.zip(entries), "z.xml", 100); // the header lies
        Path file = ZipBytes.write(dir.resolve("bomb.zip"), zip);
        Path out = dir.resolve("out");

        assertThatThrownBy(() -> CONVERTER.convert(file, out, ConversionProgress.NONE))
                .isInstanceOfSatisfying(ArchiveRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ArchiveRejectedException.Reason.COMPRESSION_RATIO));
        assertThat(out).doesNotExist();
    }

    @Test
    void directoryInputMirrorsItsTreeAndCollidingNamesGetSuffixes() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/sub"));
        Files.writeString(in.resolve("a.xml"), "<r><i><line>1</line><line>2</line></i><i/></r>");
        Files.writeString(in.resolve("a.line.xml"), "<s><v>x</v><v>y</v></s>");
        Files.writeString(in.resolve("A.XML"), "<s><v>x</v><v>y</v></s>");

        ConversionSummary summary = PER_FILE.convert(dir.resolve("in"), dir.resolve("out"), ConversionProgress.NONE);

        assertThat(summary.outputs()).extracting(TableOutput::sourcePath, TableOutput::table, TableOutput::path)
                .containsExactly(
                        tuple("sub/A.XML", "", "sub/A.csv"),
                        tuple("sub/a.line.xml", "", "sub/a.line.csv"),
                        tuple("sub/a.xml", "", "sub/a~2.csv"),
                        tuple("sub/a.xml", "line", "sub/a.line~2.csv"));
    }

    @Test
    void anArchiveOfCsvFilesIsNotConverted() throws Exception {
        Path zip = ZipBytes.write(dir.resolve("in.zip"), ZipBytes.zip(Map.of("a.csv", "x\n1\n")));

        assertThatThrownBy(() -> CONVERTER.convert(zip, dir.resolve("out"), ConversionProgress.NONE))
                .isInstanceOfSatisfying(ArchiveRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ArchiveRejectedException.Reason.NO_DATA_ENTRIES));
    }

    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/')).toList();
        }
    }
}
