package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.convert;
import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.session.archive.ArchiveLimits;
import io.ret.server.testing.RealXml;

/**
 * HTML's named characters ({@code &uuml; &nbsp; &mdash;}) resolve in a document that names an
 * external DTD, in text and attribute values; every other undeclared entity, and these in a
 * document without an external DTD, fail the file with a reason that says what to write instead.
 */
class EntityTest {

    private static final String DBLP_DOCTYPE = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
            + "<!DOCTYPE dblp SYSTEM \"dblp.dtd\">\n";

    @TempDir
    Path dir;

    @Test
    void theTableIsHtmlsTwoHundredFiftyTwoNamedCharactersEachOneCharacter() {
        assertThat(HtmlEntities.TABLE).hasSize(252);
        assertThat(HtmlEntities.TABLE).containsEntry("nbsp", "\u00A0").containsEntry("eacute", "\u00E9")
                .containsEntry("uuml", "\u00FC").containsEntry("copy", "\u00A9").containsEntry("mdash", "\u2014")
                .containsEntry("euro", "\u20AC").containsEntry("hearts", "\u2665").containsEntry("amp", "&");
        assertThat(HtmlEntities.TABLE.values()).allSatisfy(c -> assertThat(c).hasSize(1));
    }

    @Test
    void everyNameOfTheTableResolvesToItsCharacterInADocumentWithAnExternalDtd() throws Exception {
        Map<String, String> table = new TreeMap<>(HtmlEntities.TABLE);
        StringBuilder xml = new StringBuilder(DBLP_DOCTYPE + "<r>");
        table.keySet().forEach(name -> xml.append("<v n=\"").append(name).append("\">&").append(name).append(";</v>"));
        xml.append("</r>");

        var summary = convert(dir, xml.toString());

        assertThat(summary.failures()).isEmpty();
        List<List<String>> expected = new ArrayList<>();
        table.forEach((name, character) -> expected.add(row(name, character)));
        assertThat(csv(dir, "doc.csv").stream().skip(1).map(r -> r.subList(1, 3)).toList())
                .containsExactlyElementsOf(expected);
    }

    @Test
    void namedCharactersResolveInsideTextBetweenLettersAndInAttributeValues() throws Exception {
        var summary = convert(dir, DBLP_DOCTYPE + """
                <dblp>
                <article key="a" title="Caf&eacute; &amp; Bar&nbsp;&euro;"><author>M&uuml;ller</author><note>&copy;&nbsp;2024 &mdash; &Auml;rger</note></article>
                <article key="b" title="&laquo;x&raquo;"><author>J&uuml;rgen Sch&ouml;nhage</author><note>plain</note></article>
                </dblp>
                """);

        assertThat(summary.failures()).isEmpty();
        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@key", "@title", "author", "note"),
                row("1", "a", "Café & Bar\u00A0€", "Müller", "©\u00A02024 — Ärger"),
                row("2", "b", "«x»", "Jürgen Schönhage", "plain"));
    }

    @Test
    void aPublicIdentifierAsInXhtmlIsAnExternalDtdToo() throws Exception {
        var summary = convert(dir, """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
                <html xmlns="http://www.w3.org/1999/xhtml"><body><p>a&nbsp;b</p><p>&hellip;</p></body></html>
                """);

        assertThat(summary.failures()).isEmpty();
        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "p"), row("1", "a\u00A0b"), row("2", "…"));
    }

    @Test
    void nothingInsideCdataIsAnEntity() throws Exception {
        convert(dir, DBLP_DOCTYPE + "<r><v><![CDATA[M&uuml;ller &foo;]]></v><v>M&uuml;ller</v></r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "v"), row("1", "M&uuml;ller &foo;"), row("2", "Müller"));
    }

    @Test
    void aNonBreakingSpaceIsContentNotWhitespaceToTrim() throws Exception {
        convert(dir, DBLP_DOCTYPE + "<r><v> &nbsp;x&nbsp; </v><v>y</v></r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", "\u00A0x\u00A0"), row("2", "y"));
    }

    @Test
    void anHtmlNameTheInternalSubsetRedeclaresStillGivesHtmlsCharacterSinceTheSubsetIsNeverRead() throws Exception {
        var summary = convert(dir, """
                <!DOCTYPE r SYSTEM "r.dtd" [ <!ENTITY copy "ACME"> <!ENTITY nbsp SYSTEM "file:///etc/passwd"> ]>
                <r><v>&copy;&nbsp;</v><v>x</v></r>
                """);

        assertThat(summary.failures()).isEmpty();
        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", "©\u00A0"), row("2", "x"));
    }

    @Test
    void millionsOfReferencesAreNotLimitedSinceEachIsOneCharacter() throws Exception {
        StringBuilder xml = new StringBuilder(DBLP_DOCTYPE + "<r>");
        for (int i = 0; i < 20_000; i++) {
            xml.append("<v a=\"&eacute;\">M&uuml;ller&nbsp;").append(i).append("</v>");
        }
        xml.append("</r>");

        var summary = convert(dir, xml.toString());

        assertThat(summary.failures()).isEmpty();
        List<List<String>> rows = csv(dir, "doc.csv");
        assertThat(rows).hasSize(20_001);
        assertThat(rows.get(20_000)).containsExactly("20000", "é", "Müller\u00A019999");
    }

    @Test
    void aNameOutsideTheTableFailsTheFileNamingItAndSayingWhatToWrite() throws Exception {
        var summary = convert(dir, DBLP_DOCTYPE + "<dblp>\n<article><title>M&uuml;ller &foo; x</title></article>\n</dblp>");

        assertThat(summary.outputs()).isEmpty();
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo("the entity '&foo;' is not known: DTDs are never read, so only XML's five"
                    + " entities and, in a document that names an external DTD, HTML's named characters are; replace"
                    + " it with the character it stands for or a character reference (&#NNN;)");
            assertThat(f.line()).isEqualTo(4);
        });
    }

    @Test
    void aNameOutsideTheTableInAnAttributeFailsTheFileToo() throws Exception {
        var summary = convert(dir, DBLP_DOCTYPE + "<r><v a=\"x&foo;\">1</v></r>");

        assertThat(summary.failures()).singleElement()
                .satisfies(f -> assertThat(f.reason()).startsWith("the entity '&foo;' is not known"));
    }

    @Test
    void aDocumentWithoutAnyDoctypeDoesNotGetTheTableAndIsToldTheCharacterReference() throws Exception {
        var summary = convert(dir, "<r>\n<v>caf&eacute;</v>\n</r>");

        assertThat(summary.outputs()).isEmpty();
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo("the entity '&eacute;' is not declared: HTML's named characters are known"
                    + " only in a document that names an external DTD (<!DOCTYPE ... SYSTEM \"...\">) and is not"
                    + " standalone=\"yes\"; write it as &#233; or as the character itself");
            assertThat(f.line()).isEqualTo(2);
        });
    }

    @Test
    void aDoctypeWithOnlyAnInternalSubsetDoesNotGetTheTable() throws Exception {
        var summary = convert(dir, "<!DOCTYPE r [ <!ELEMENT r ANY> ]>\n<r><v a=\"&nbsp;\">1</v></r>");

        assertThat(summary.failures()).singleElement()
                .satisfies(f -> assertThat(f.reason()).startsWith("the entity '&nbsp;' is not declared").contains("&#160;"));
    }

    @Test
    void aStandaloneDocumentDoesNotGetTheTableOfItsExternalDtd() throws Exception {
        var summary = convert(dir, "<?xml version=\"1.0\" standalone=\"yes\"?>\n<!DOCTYPE r SYSTEM \"r.dtd\">\n"
                + "<r><v>&uuml;</v></r>");

        assertThat(summary.failures()).singleElement()
                .satisfies(f -> assertThat(f.reason()).startsWith("the entity '&uuml;' is not declared").contains("&#252;"));
    }

    @Test
    void oneDocumentsExternalDtdDoesNotLendTheTableToTheNextDocument() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.xml", DBLP_DOCTYPE + "<r><v>&eacute;</v><v>x</v></r>");
        files.put("b.xml", "<r><v>&eacute;</v><v>x</v></r>");
        Path zip = Fixtures.zip(dir.resolve("in.zip"), files);

        var summary = new ArchiveConverter(ConversionOptions.defaults().withLayout(Layout.PER_FILE),
                ArchiveLimits.defaults()).convert(zip, dir.resolve("out"), ConversionProgress.NONE);

        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("b.xml");
            assertThat(f.reason()).startsWith("the entity '&eacute;' is not declared");
        });
        assertThat(csv(dir, "a.csv")).containsExactly(row("_id", "v"), row("1", "é"), row("2", "x"));
    }

    @Test
    void aRealDblpExcerptConvertsWithItsNamesDecoded() throws Exception {
        Path out = dir.resolve("dblp");
        DataPackage schema = Fixtures.convertAll(dir, Map.of("dblp.xml", RealXml.resource("dblp/dblp.xml")),
                ConversionOptions.defaults(), "dblp");

        assertThat(Fixtures.tables(schema)).containsExactly("article 10 [@key]", "article.author 15 [article@key, _position]");
        assertThat(Fixtures.column(out, schema, "article.author", "author")).contains(
                "Arnold Schönhage", "Zoltán Fülöp 0001", "Symeon Bozapalidis");
        assertThat(Fixtures.column(out, schema, "article", "title"))
                .contains("Schnelle Multiplikation von Polynomen über Körpern der Charakteristik 2.");
        Fixtures.assertEveryCellTrimmed(out, schema);
    }
}
