package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.convert;
import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input encodings in, UTF-8 RFC 4180 CSV out, every character intact. */
class EncodingTest {

    private static final String UNICODE = "😀 漢字 café e\u0301 \u05E9\u05DC\u05D5\u05DD";

    @TempDir
    Path dir;

    @Test
    void unicodeSurvivesInValuesAttributesAndNames() throws Exception {
        convert(dir, "<r><v 属性=\"" + UNICODE + "\"><名前>" + UNICODE + "</名前></v><v/></r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@属性", "名前", "v"),
                row("1", UNICODE, UNICODE, ""),
                row("2", "", "", ""));
    }

    @Test
    void utf16LittleEndianWithBom() throws Exception {
        convert(dir, withBom(new byte[] {(byte) 0xFF, (byte) 0xFE}, StandardCharsets.UTF_16LE));

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", UNICODE), row("2", "x"));
    }

    @Test
    void utf16BigEndianWithBom() throws Exception {
        convert(dir, withBom(new byte[] {(byte) 0xFE, (byte) 0xFF}, StandardCharsets.UTF_16BE));

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", UNICODE), row("2", "x"));
    }

    @Test
    void utf8BomIsNotData() throws Exception {
        convert(dir, withBom(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, StandardCharsets.UTF_8));

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", UNICODE), row("2", "x"));
        byte[] out = Files.readAllBytes(dir.resolve("out/doc.csv"));
        assertThat(out[0]).isEqualTo((byte) '_'); // and the output has no BOM
    }

    @Test
    void declaredSingleByteEncodingIsHonoured() throws Exception {
        byte[] xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r><v>café</v><v>x</v></r>"
                .getBytes(StandardCharsets.ISO_8859_1);

        convert(dir, xml);

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", "café"), row("2", "x"));
    }

    @Test
    void misEncodedFileFailsWithTheCharacterOffset() throws Exception {
        byte[] xml = "<r>\n<v>caf\u00e9</v></r>".getBytes(StandardCharsets.ISO_8859_1); // declared nothing: UTF-8

        var summary = convert(dir, xml);

        assertThat(summary.outputs()).isEmpty();
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).contains("Invalid UTF-8", "char #10");
            assertThat(f.line()).isZero(); // the decoder runs ahead of the parser: no line to trust
        });
    }

    @Test
    void csvQuotesSeparatorsQuotesAndLineBreaksPerRfc4180() throws Exception {
        // XML turns a literal CR LF into LF; character references keep a CR
        convert(dir, "<r><v a=\"x,y\">say \"hi\"</v><v a=\"plain\">line1&#13;&#10;line2&#13;end</v></r>");

        String text = Files.readString(dir.resolve("out/doc.csv"), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("_id,@a,v\r\n"
                + "1,\"x,y\",\"say \"\"hi\"\"\"\r\n"
                + "2,plain,\"line1\r\nline2\rend\"\r\n");
        assertThat(csv(dir, "doc.csv").get(2)).containsExactly("2", "plain", "line1\r\nline2\rend");
    }

    @Test
    void aVeryLongValueIsKeptWhole() throws Exception {
        // random text: a repeated pattern would (rightly) trip the archive's compression-ratio limit
        Random random = new Random(42);
        StringBuilder value = new StringBuilder();
        while (value.length() < 5 * 1024 * 1024) {
            value.append((char) ('a' + random.nextInt(26))).append(random.nextInt(40) == 0 ? "\n" : "");
        }
        String longValue = value.toString();

        convert(dir, "<r><v>" + longValue + "</v><v>short</v></r>");

        List<List<String>> rows = csv(dir, "doc.csv");
        assertThat(rows.get(1).get(1)).hasSize(longValue.length()).isEqualTo(longValue);
        assertThat(rows.get(2)).containsExactly("2", "short");
    }

    @Test
    void longAttributeValuesAreKeptWholeAsciiOrNot() throws Exception {
        // longer than the spill's buffer, so neither goes the one-loop ASCII way; one holds 2-, 3- and 4-byte chars
        Random random = new Random(7);
        StringBuilder ascii = new StringBuilder();
        StringBuilder mixed = new StringBuilder();
        while (ascii.length() < 200_000) {
            ascii.append((char) ('a' + random.nextInt(26)));
            mixed.append(switch (random.nextInt(5)) {
                case 0 -> "\u00e9";
                case 1 -> "\u65e5";
                case 2 -> "\uD83D\uDE00";
                case 3 -> ",";
                default -> String.valueOf((char) ('a' + random.nextInt(26)));
            });
        }

        convert(dir, "<r><v a=\"" + ascii + "\" b=\"" + mixed + "\"/><v a=\"x\" b=\"y\"/></r>");

        List<List<String>> rows = csv(dir, "doc.csv");
        assertThat(rows.get(1)).containsExactly("1", ascii.toString(), mixed.toString());
        assertThat(rows.get(2)).containsExactly("2", "x", "y");
    }

    private static byte[] withBom(byte[] bom, Charset charset) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bom);
        out.write(("<?xml version=\"1.0\" encoding=\"" + (charset == StandardCharsets.UTF_8 ? "UTF-8" : "UTF-16")
                + "\"?>\n<r><v>" + UNICODE + "</v><v>x</v></r>").getBytes(charset));
        return out.toByteArray();
    }
}
