package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.convert;
import static io.ret.server.conversion.Fixtures.column;
import static io.ret.server.conversion.Fixtures.convertAll;
import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.tables;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.DataPackage;

/** An element with own text and child elements is one cell: its string-value. */
class MixedContentTest {

    @TempDir
    Path dir;

    @Test
    void aMixedElementIsItsStringValueAndItsInlineElementsMakeNoColumns() throws Exception {
        convert(dir, """
                <notes>
                  <note><p>Hello <b>big</b> world</p><f>H<sub>2</sub>O</f></note>
                  <note><p>plain</p><f>CO<sub>2</sub></f></note>
                </notes>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "p", "f"),
                row("1", "Hello big world", "H2O"),
                row("2", "plain", "CO2"));
    }

    @Test
    void everyInstanceOfAMixedPathIsItsStringValueAlsoWithoutOwnText() throws Exception {
        convert(dir, """
                <books>
                  <book><title><i>Foo</i></title></book>
                  <book><title>A <i>Bar</i> story</title></book>
                  <book><title><i>Baz</i></title></book>
                </books>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "title"),
                row("1", "Foo"),
                row("2", "A Bar story"),
                row("3", "Baz"));
    }

    @Test
    void theStringValueIsTrimmedAtItsEndsOnlyAndKeepsWhitespaceBetweenInlineElements() throws Exception {
        convert(dir, "<r>\n  <i>\n    <p>\n      Hello <b>big</b>\n      world\n    </p>\n"
                + "    <q><b>A</b> <i>B</i> C</q>\n    <s><b>A</b> <i>B</i></s>\n    <t>x<b> y </b>z</t>\n  </i>\n"
                + "  <i><p>one</p><q>two</q><s>three <b>3</b></s><t>4</t></i>\n</r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(
                // s had no own text in the first record: its column comes when it first has some
                row("_id", "p", "q", "t", "s"),
                row("1", "Hello big\n      world", "A B C", "x y z", "A B"),
                row("2", "one", "two", "4", "three 3"));
    }

    @Test
    void aLineBreakBetweenInlineElementsIsIndentationOnlyWhereThePathWasNotYetSeenMixedInTheFile() throws Exception {
        convert(dir, "<r>\n  <i><t><b>A</b>\n<i>B</i></t></i>\n  <i><t>x <b>y</b></t></i>\n"
                + "  <i><t><b>A</b>\n<i>B</i></t></i>\n</r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "t"),
                row("1", "AB"),
                row("2", "x y"),
                row("3", "A\nB"));
    }

    @Test
    void withKeepWhitespaceTheStringValueIsExactlyAsWritten() throws Exception {
        convert(dir, "<r>\n  <i>\n    <p>\n      Hello <b>big</b>\n      world\n    </p>\n    <v> a </v>\n  </i>\n"
                + "  <i><p> <b>x</b> </p><v>b</v></i>\n</r>", ConversionOptions.defaults().withKeepWhitespace(true));

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "p", "v"),
                row("1", "\n      Hello big\n      world\n    ", " a "),
                row("2", " x ", "b"));
    }

    @Test
    void cdataInsideInlineMarkupStaysAsWritten() throws Exception {
        convert(dir, """
                <r>
                  <i><p>x <b><![CDATA[ <y> & ]]></b> z</p></i>
                  <i><p><![CDATA[ a ]]><b>b</b></p></i>
                </r>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "p"),
                row("1", "x  <y> &  z"),
                row("2", " a b"));
    }

    @Test
    void nestedInlineMarkupAndItsAttributesAreFoldedIntoTheText() throws Exception {
        convert(dir, """
                <r>
                  <i id="1"><p>see <a href="u"><i><b>x</b> y</i></a>.</p></i>
                  <i id="2"><p>none</p></i>
                </r>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@id", "p"),
                row("1", "1", "see x y."),
                row("2", "2", "none"));
    }

    @Test
    void aRecordThatIsMixedKeepsItsAttributesAndIsItsStringValue() throws Exception {
        convert(dir, """
                <notes>
                  <note id="1" lang="en">Call <b>Bob</b> now</note>
                  <note id="2">Plain</note>
                  <note id="3"><b>Only</b> bold</note>
                </notes>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@id", "@lang", "note"),
                row("1", "1", "en", "Call Bob now"),
                row("2", "2", "", "Plain"),
                row("3", "3", "", "Only bold"));
    }

    @Test
    void aMixedElementThatRepeatsIsAChildTableWithOneStringValuePerRow() throws Exception {
        var summary = convert(dir, """
                <orders>
                  <order id="A"><note>ring <b>twice</b></note><note>leave at door</note></order>
                  <order id="B"><note>fragile: <em>glass</em>, <em>china</em></note></order>
                </orders>
                """);

        assertThat(summary.outputs()).extracting(TableOutput::path).containsExactly("doc.csv", "doc.note.csv");
        assertThat(csv(dir, "doc.note.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "order@id", "_position", "note"),
                row("1", "1", "1", "A", "1", "ring twice"),
                row("2", "1", "1", "A", "2", "leave at door"),
                row("3", "2", "2", "B", "1", "fragile: glass, china"));
    }

    @Test
    void theDocumentElementAndElementsAboveRecordsAreNeverMixed() throws Exception {
        convert(dir, """
                <list>stray
                  <item><v>1</v></item>
                  <item><v>2</v></item>
                </list>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "v"),
                row("1", "1"),
                row("2", "2"));
        assertThat(csv(dir, "doc._document.csv")).containsExactly(
                row("_id", "list"),
                row("1", "stray"));
    }

    @Test
    void aRecordOfFieldsWithAStrayWordBetweenTwoFieldsKeepsItsFields() throws Exception {
        // as in a real OAI-PMH page: "(?s)" between two of a Dublin Core record's fields
        DataPackage schema = convertAll(dir, Map.of("a.xml", "<r><rec id=\"1\"><dc><title>Sample Title</title>"
                + "<creator>John Doe</creator><creator>Jane Roe</creator><source>Sample Source</source>(?s)"
                + "<date>2010</date></dc></rec><rec id=\"2\"><dc><title>Other</title><creator>Ann</creator></dc></rec></r>"),
                ConversionOptions.defaults(), "out");

        assertThat(tables(schema)).containsExactly("rec 2 [@id]", "rec.dc.creator 3 [rec@id, _position]");
        assertThat(column(dir.resolve("out"), schema, "rec", "dc.title")).containsExactly("Sample Title", "Other");
        assertThat(column(dir.resolve("out"), schema, "rec.dc.creator", "creator"))
                .containsExactly("John Doe", "Jane Roe", "Ann");
        assertThat(column(dir.resolve("out"), schema, "rec", "dc")).containsExactly("(?s)", "");
    }

    @Test
    void aStringValueLongerThanTheCellLimitFailsItsFileAlone() throws Exception {
        // the own text and the inline element each below the limit; letters at random, so the ZIP stays under its ratio limit
        Random random = new Random(7);
        char[] letters = new char[DocumentScanner.MAX_VALUE_CHARS / 2 + 1];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (char) ('a' + random.nextInt(26));
        }
        String half = new String(letters);
        var summary = convert(dir, "<r><i><p>" + half + "<b>" + half + "</b></p></i><i><p>b</p></i></r>");

        assertThat(summary.outputs()).isEmpty();
        assertThat(summary.failures()).singleElement().satisfies(f -> assertThat(f.reason())
                .isEqualTo("the text of a mixed-content element of column 'p' in table 'i' is longer than "
                        + DocumentScanner.MAX_VALUE_CHARS + " characters"));
    }

    @Test
    void theSchemaMarksStringValuesAndALaterVersionKeepsThemMixed() throws Exception {
        DataPackage first = convertAll(dir, Map.of("a.xml", """
                <notes><note id="1"><p>Hello <b>big</b> world</p></note><note id="2"><p>x</p></note></notes>
                """), ConversionOptions.defaults(), "v1");
        ColumnSchema p = first.table("note").orElseThrow().column("p").orElseThrow();
        assertThat(p.mixed()).isTrue();
        assertThat(p.source()).isEqualTo("/notes/note/p");
        assertThat(Files.readString(dir.resolve("v1").resolve(DataPackage.FILE_NAME))).contains("\"ret:mixed\" : true");
        assertThat(DataPackage.read(dir.resolve("v1")).table("note").orElseThrow().column("p").orElseThrow().mixed())
                .isTrue();

        // the new version has no mixed instance: p stays the string-value, its <b> makes no column
        DataPackage second = convertAll(dir, Map.of("a.xml", """
                <notes><note id="1"><p><b>bold</b></p></note><note id="2"><p>y</p></note></notes>
                """), ConversionOptions.defaults().withPreviousLayout(first), "v2");
        assertThat(csv(dir.resolve("v2").resolve("note.csv"))).containsExactly(
                row("_id", "_file", "_line", "@id", "p"),
                row("1", "a.xml", "1", "1", "bold"),
                row("2", "a.xml", "1", "2", "y"));
        assertThat(second.table("note").orElseThrow().column("p").orElseThrow().mixed()).isTrue();
    }

    @Test
    void aPathThatBecomesMixedLeavesItsFormerInlineColumnsEmptyAndReportedAsVanished() throws Exception {
        var files = Map.of("a.xml", """
                <notes><note id="1"><p>plain</p></note><note id="2"><p><b>bold</b></p></note></notes>
                """);
        DataPackage first = convertAll(dir, files, ConversionOptions.defaults(), "v1");
        assertThat(first.table("note").orElseThrow().columns()).extracting(ColumnSchema::name)
                .containsExactly("_id", "_file", "_line", "@id", "p", "p.b");

        Path zip = Fixtures.zip(dir.resolve("v2.zip"), Map.of("a.xml", """
                <notes><note id="1"><p>plain</p></note><note id="2"><p>now <b>bold</b></p></note></notes>
                """));
        ConversionSummary summary = new ArchiveConverter(ConversionOptions.defaults().withPreviousLayout(first),
                io.ret.server.session.archive.ArchiveLimits.defaults()).convert(zip, dir.resolve("v2"),
                ConversionProgress.NONE);

        assertThat(csv(dir.resolve("v2").resolve("note.csv"))).containsExactly(
                row("_id", "_file", "_line", "@id", "p", "p.b"),
                row("1", "a.xml", "1", "1", "plain", ""),
                row("2", "a.xml", "1", "2", "now bold", ""));
        assertThat(summary.layoutChanges().vanishedColumns()).containsExactly("note: p.b");
        assertThat(summary.layoutChanges().addedColumns()).isEmpty();
    }

    @Test
    void aChildTableInsideAPathThatBecomesMixedIsGoneAndItsColumnsAreReportedAsVanished() throws Exception {
        DataPackage first = convertAll(dir, Map.of("a.xml", """
                <notes><note id="1"><p><b>x</b><b>y</b></p></note><note id="2"><p>z</p></note></notes>
                """), ConversionOptions.defaults(), "v1");
        assertThat(first.table("note.p.b")).isPresent();

        Path zip = Fixtures.zip(dir.resolve("v2.zip"), Map.of("a.xml", """
                <notes><note id="1"><p>now <b>x</b><b>y</b></p></note><note id="2"><p>z</p></note></notes>
                """));
        ConversionSummary summary = new ArchiveConverter(ConversionOptions.defaults().withPreviousLayout(first),
                io.ret.server.session.archive.ArchiveLimits.defaults()).convert(zip, dir.resolve("v2"),
                ConversionProgress.NONE);

        assertThat(summary.schema().tables()).extracting(t -> t.name()).containsExactly("note");
        assertThat(csv(dir.resolve("v2").resolve("note.csv"))).containsExactly(
                row("_id", "_file", "_line", "@id", "p"),
                row("1", "a.xml", "1", "1", "now xy"),
                row("2", "a.xml", "1", "2", "z"));
        assertThat(summary.layoutChanges().vanishedColumns()).containsExactly("note.p.b: b");
        assertThat(summary.layoutChanges().addedTables()).isEmpty();
    }
}
