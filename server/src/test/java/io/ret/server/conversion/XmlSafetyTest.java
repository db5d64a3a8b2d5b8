package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.convert;
import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.session.archive.ArchiveLimits;

/** DTDs are never loaded and entities never expanded: such files fail alone, others convert. */
class XmlSafetyTest {

    @TempDir
    Path dir;

    @Test
    void billionLaughsFailsAloneWithoutExpanding() throws Exception {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            xml.append(" <!ENTITY lol").append(i).append(" \"");
            xml.append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">\n");
        }
        xml.append("]>\n<lolz><lol>&lol9;</lol><lol>x</lol></lolz>");

        var summary = convert(dir, xml.toString());

        assertThat(summary.filesFailed()).isEqualTo(1);
        assertThat(summary.outputs()).isEmpty();
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).contains("lol9");
            assertThat(f.line()).isEqualTo(14);
        });
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void externalEntityIsNeverResolved() throws Exception {
        var summary = convert(dir, """
                <?xml version="1.0"?>
                <!DOCTYPE r [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
                <r><v>&xxe;</v><v>ok</v></r>
                """);

        assertThat(summary.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("xxe"));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void externalEntityInAnAttributeIsNeverResolved() throws Exception {
        var summary = convert(dir, """
                <!DOCTYPE r [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
                <r><v a="&xxe;">1</v><v>2</v></r>
                """);

        assertThat(summary.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("xxe"));
    }

    @Test
    void externalDtdIsNotLoadedAndTheFileConverts() throws Exception {
        var summary = convert(dir, """
                <?xml version="1.0"?>
                <!DOCTYPE r SYSTEM "file:///etc/passwd">
                <r><v>1</v><v>2</v></r>
                """);

        assertThat(summary.failures()).isEmpty();
        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", "1"), row("2", "2"));
        assertThat(Files.readString(dir.resolve("out/doc.csv"))).doesNotContain("root:");
    }

    @Test
    void doctypeWithoutEntityUseConverts() throws Exception {
        var summary = convert(dir, """
                <?xml version="1.0"?>
                <!DOCTYPE r [ <!ELEMENT r (v*)> <!ATTLIST v kind CDATA "default"> <!ENTITY unused "x"> ]>
                <r><v>1</v><v>2</v></r>
                """);

        assertThat(summary.failures()).isEmpty();
        // DTD attribute defaults are not applied either: only what the document says is data
        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", "1"), row("2", "2"));
    }

    @Test
    void undeclaredEntityFailsTheFile() throws Exception {
        var summary = convert(dir, "<r><v>&nbsp;</v></r>");

        assertThat(summary.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("nbsp"));
    }

    @Test
    void predefinedEntitiesAndCharacterReferencesAreContent() throws Exception {
        convert(dir, "<r><v a=\"&quot;&apos;&#65;\">&lt;&gt;&amp;&#x1F600;&#233;</v><v/></r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@a", "v"), row("1", "\"'A", "<>&\uD83D\uDE00\u00E9"), row("2", "", ""));
    }

    @Test
    void billionLaughsBehindAnExternalDtdStillFailsWithoutExpanding() throws Exception {
        StringBuilder xml = new StringBuilder("<!DOCTYPE lolz SYSTEM \"lolz.dtd\" [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            xml.append(" <!ENTITY lol").append(i).append(" \"");
            xml.append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">\n");
        }
        xml.append("]>\n<lolz><lol>&eacute;&lol9;</lol><lol>x</lol></lolz>");

        var summary = convert(dir, xml.toString());

        assertThat(summary.outputs()).isEmpty();
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).contains("&lol9;");
            assertThat(f.line()).isEqualTo(13);
        });
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void anInternalSubsetCannotRedefineAnHtmlNameIntoAnExternalEntity() throws Exception {
        var summary = convert(dir, """
                <!DOCTYPE r SYSTEM "r.dtd" [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY nbsp SYSTEM "file:///etc/passwd"> ]>
                <r><v>&nbsp;</v><v>&xxe;</v></r>
                """);

        assertThat(summary.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("&xxe;"));
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void anUndeclaredEntityInTheMiddleOfATextFailsItsFileAloneNotTheConversion() throws Exception {
        Path zip = Fixtures.zip(dir.resolve("two.zip"), new LinkedHashMap<>(Map.of(
                "bad.xml", "<r><v>ab&nbsp;c</v></r>", "good.xml", "<r><v>1</v><v>2</v></r>")));

        var summary = new ArchiveConverter(ConversionOptions.defaults(), ArchiveLimits.defaults())
                .convert(zip, dir.resolve("out"), ConversionProgress.NONE);

        assertThat(summary.filesSucceeded()).isEqualTo(1);
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("bad.xml");
            assertThat(f.reason()).contains("&nbsp;");
        });
    }

    private Stream<Path> leftovers() throws Exception {
        Path out = dir.resolve("out");
        return Files.exists(out) ? Files.list(out).toList().stream() : Stream.empty();
    }
}
