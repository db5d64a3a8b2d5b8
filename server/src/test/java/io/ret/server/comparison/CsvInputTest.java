package io.ret.server.comparison;

import static io.ret.server.comparison.Diffs.added;
import static io.ret.server.comparison.Diffs.diff;
import static io.ret.server.comparison.Diffs.modified;
import static io.ret.server.comparison.Diffs.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encodings, delimiters, quoting and empty or broken files. */
class CsvInputTest {
    private static final DiffOptions KEY_ID = DiffOptions.defaults().withKeyColumns(List.of("id"));

    @TempDir
    Path dir;

    @Test
    void utf8BomAndUtf16WithBomReadLikePlainUtf8() {
        String text = "id,name\n1,Zoë\n2,東京\n";
        Path plain = write(dir, "plain.csv", text);
        for (byte[] encoded : List.of(bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, text, StandardCharsets.UTF_8),
                bytes(new byte[] {(byte) 0xFF, (byte) 0xFE}, text, StandardCharsets.UTF_16LE),
                bytes(new byte[] {(byte) 0xFE, (byte) 0xFF}, text, StandardCharsets.UTF_16BE))) {
            var r = Diffs.diff(plain, write(dir, "encoded.csv", encoded), KEY_ID.withWorkDir(dir));
            assertThat(r.file().status()).isEqualTo(FileStatus.MATCHED);
            assertThat(r.file().unchanged()).isEqualTo(2);
            assertThat(r.deltas()).isEmpty();
            assertThat(r.file().warnings()).singleElement().asString().startsWith("right: read as UTF-");
        }
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("plain.csv", "encoded.csv");
    }

    @Test
    void utf16ValuesAreReportedDecoded() {
        Path left = write(dir, "l.csv", "id,name\n1,Zoë\n");
        Path right = write(dir, "r.csv", bytes(new byte[] {(byte) 0xFF, (byte) 0xFE}, "id,name\n1,Zoé\n",
                StandardCharsets.UTF_16LE));
        var r = Diffs.diff(left, right, KEY_ID.withWorkDir(dir));
        assertThat(r.deltas()).containsExactly(modified(List.of("1"), 1, 1, List.of(new CellChange("name", "Zoë", "Zoé")),
                List.of("1", "Zoë"), List.of("1", "Zoé")));
    }

    @Test
    void delimiterIsDetectedPerFileAndReported() {
        var r = diff(dir, "id;name\n1;a,b\n2;c\n", "id\tname\n1\ta,b\n2\tC\n", KEY_ID);
        assertThat(r.deltas()).containsExactly(modified(List.of("2"), 2, 2, List.of(new CellChange("name", "c", "C")),
                List.of("2", "c"), List.of("2", "C")));
        assertThat(r.file().warnings()).containsExactly("left: read as UTF-8 with delimiter ';'",
                "right: read as UTF-8 with delimiter TAB");
        var pipes = diff(dir, "id|v\n1|x\n", "id,v\n1,x\n", KEY_ID);
        assertThat(pipes.file().unchanged()).isEqualTo(1);
        assertThat(pipes.file().warnings()).containsExactly("left: read as UTF-8 with delimiter '|'");
    }

    @Test
    void quotedValuesWithDelimitersQuotesAndNewlines() {
        String left = "id,text\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n4,plain\r\n";
        String right = "id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,\"pla\"\"in\"\n5,last";
        var r = diff(dir, left, right, KEY_ID);
        assertThat(r.file().rowsLeft()).isEqualTo(4);
        assertThat(r.file().rowsRight()).isEqualTo(5);
        assertThat(r.deltas()).containsExactly(
                modified(List.of("3"), 3, 3, List.of(new CellChange("text", "two\r\nlines", "two\nlines")),
                        List.of("3", "two\r\nlines"), List.of("3", "two\nlines")),
                modified(List.of("4"), 4, 4, List.of(new CellChange("text", "plain", "pla\"in")),
                        List.of("4", "plain"), List.of("4", "pla\"in")),
                added(List.of("5"), 5, List.of("5", "last")));
    }

    @Test
    void loneCarriageReturnsEndRowsToo() {
        var r = diff(dir, "id,v\r1,a\r2,b\r", "id,v\n1,a\n2,c\n", KEY_ID);
        assertThat(r.deltas()).containsExactly(modified(List.of("2"), 2, 2, List.of(new CellChange("v", "b", "c")),
                List.of("2", "b"), List.of("2", "c")));
    }

    @Test
    void blankLinesAreSkippedAndNotCounted() {
        var r = diff(dir, "\nid,v\n\n1,a\n\n\n2,b\n", "id,v\n1,a\n2,b\n\n", KEY_ID);
        assertThat(r.file().rowsLeft()).isEqualTo(2);
        assertThat(r.file().unchanged()).isEqualTo(2);
    }

    @Test
    void zeroByteFilesAreEmptyAndAnEmptySideMakesEveryRowAddedOrRemoved() {
        var both = diff(dir, "", "", DiffOptions.defaults());
        assertThat(both.file().status()).isEqualTo(FileStatus.MATCHED);
        assertThat(both.file().similarity()).isEqualTo(1.0);
        assertThat(both.file().warnings()).containsExactly("both files are empty");

        var oneSide = diff(dir, "", "id,v\n1,a\n2,b\n", DiffOptions.defaults());
        assertThat(oneSide.file().added()).isEqualTo(2);
        assertThat(oneSide.file().similarity()).isZero();
        assertThat(oneSide.file().columns().added()).containsExactly("id", "v");
        assertThat(oneSide.deltas()).extracting(RowDelta::type).containsOnly(ChangeType.ADDED);
        assertThat(oneSide.file().warnings()).singleElement().asString().startsWith("left: the file is empty");
    }

    @Test
    void headerOnlyFilesHaveNoRows() {
        var r = diff(dir, "id,v\n", "id,v", DiffOptions.defaults());
        assertThat(r.file().status()).isEqualTo(FileStatus.MATCHED);
        assertThat(List.of(r.file().rowsLeft(), r.file().rowsRight())).containsExactly(0L, 0L);
        assertThat(r.file().similarity()).isEqualTo(1.0);
        var oneRow = diff(dir, "id,v\n", "id,v\n1,a\n", DiffOptions.defaults());
        assertThat(oneRow.deltas()).containsExactly(added(List.of("1"), 1, List.of("1", "a")));
    }

    @Test
    void invalidUtf8FailsTheFileNamingRowAndColumn() {
        Path left = write(dir, "l.csv", "id,name\n1,a\n");
        Path right = write(dir, "r.csv", bytes(new byte[0], "id,name\n1,a\n2,", StandardCharsets.UTF_8,
                new byte[] {'b', (byte) 0xE9, 'c', '\n'}));
        var r = Diffs.diff(left, right, KEY_ID.withWorkDir(dir));
        assertThat(r.file().status()).isEqualTo(FileStatus.FAILED);
        assertThat(r.file().error()).isEqualTo("right: invalid UTF-8 in data row 2, column 'name'");
        assertThat(r.deltas()).isEmpty();
    }

    @Test
    void utf16WithoutBomOrBinaryIsRefused() {
        Path left = write(dir, "l.csv", "id\n1\n");
        Path right = write(dir, "r.csv", "id\n1\n".getBytes(StandardCharsets.UTF_16LE));
        var r = Diffs.diff(left, right, DiffOptions.defaults().withWorkDir(dir));
        assertThat(r.file().error()).startsWith("right: has NUL bytes");
    }

    @Test
    void unterminatedQuoteFailsTheFile() {
        var r = diff(dir, "id,v\n1,\"open\n2,b\n", "id,v\n1,a\n", KEY_ID);
        assertThat(r.file().error()).isEqualTo("left: unterminated quoted value in data row 1");
    }

    @Test
    void duplicateColumnNamesFailTheFile() {
        var r = diff(dir, "id,v,v\n1,a,b\n", "id,v\n1,a\n", KEY_ID);
        assertThat(r.file().error()).isEqualTo("left: column 'v' appears twice in the header");
    }

    @Test
    void aMissingFileFails() {
        var r = Diffs.diff(dir.resolve("nope.csv"), write(dir, "r.csv", "id\n"), DiffOptions.defaults());
        assertThat(r.file().status()).isEqualTo(FileStatus.FAILED);
        assertThat(r.file().error()).contains("left: cannot read").contains("no such file");
    }

    private static byte[] bytes(byte[] prefix, String text, java.nio.charset.Charset charset, byte[]... suffixes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix);
        out.writeBytes(text.getBytes(charset));
        for (byte[] suffix : suffixes) {
            out.writeBytes(suffix);
        }
        return out.toByteArray();
    }
}
