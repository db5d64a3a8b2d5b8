package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.convert;
import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.join;
import static io.ret.server.conversion.Fixtures.record;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatteningTest {

    @TempDir
    Path dir;

    @Test
    void nestedElementsBecomeDottedColumnsAndAttributesAtEveryLevel() throws Exception {
        var summary = convert(dir, """
                <orders>
                  <order id="1" status="new">
                    <customer type="b2b"><name>Acme</name><address kind="billing"><city>Berlin</city></address></customer>
                    <total currency="EUR">10.50</total>
                  </order>
                  <order id="2">
                    <customer><name>Zed</name><address><city>Paris</city><zip>75001</zip></address></customer>
                    <total>3</total>
                  </order>
                </orders>
                """);

        assertThat(summary.failures()).isEmpty();
        assertThat(summary.outputs()).singleElement().satisfies(o -> {
            assertThat(o.path()).isEqualTo("doc.csv");
            assertThat(o.table()).isEmpty();
            assertThat(o.rows()).isEqualTo(2);
        });
        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@id", "@status", "customer@type", "customer.name", "customer.address@kind",
                        "customer.address.city", "total@currency", "total", "customer.address.zip"),
                row("1", "1", "new", "b2b", "Acme", "billing", "Berlin", "EUR", "10.50", ""),
                row("2", "2", "", "", "Zed", "", "Paris", "", "3", "75001"));
    }

    @Test
    void repeatedChildrenBecomeChildAndGrandchildTablesLinkedByKeys() throws Exception {
        var summary = convert(dir, """
                <orders>
                  <order id="A">
                    <line no="1"><sku>x</sku><serial>s1</serial><serial>s2</serial></line>
                    <line no="2"><sku>y</sku></line>
                  </order>
                  <order id="B">
                    <line no="1"><sku>z</sku><serial>s3</serial></line>
                  </order>
                </orders>
                """);

        assertThat(summary.failures()).isEmpty();
        assertThat(summary.outputs()).extracting(TableOutput::path)
                .containsExactly("doc.csv", "doc.line.csv", "doc.line.serial.csv");
        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@id"),
                row("1", "A"),
                row("2", "B"));
        // each child row carries its parent's natural key; serials have no id, so their position is their key
        assertThat(csv(dir, "doc.line.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "order@id", "@no", "sku"),
                row("1", "1", "1", "A", "1", "x"),
                row("2", "1", "1", "A", "2", "y"),
                row("3", "2", "2", "B", "1", "z"));
        assertThat(csv(dir, "doc.line.serial.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "order@id", "line@no", "_position", "serial"),
                row("1", "1", "1", "A", "1", "1", "s1"),
                row("2", "1", "1", "A", "1", "2", "s2"),
                row("3", "3", "2", "B", "1", "1", "s3"));
    }

    @Test
    void namespacesArePrefixesAsWrittenAndDeclarationsAreNotData() throws Exception {
        convert(dir, """
                <feed xmlns="urn:default" xmlns:a="urn:a" xmlns:b="urn:b" xmlns:a2="urn:a">
                  <entry a:lang="en"><title>T1</title><a:item>1</a:item><b:item>2</b:item><a2:item>3</a2:item></entry>
                  <entry><title>T2</title></entry>
                </feed>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@a:lang", "title", "a:item", "b:item", "a2:item"),
                row("1", "en", "T1", "1", "2", "3"),
                row("2", "", "T2", "", "", ""));
    }

    @Test
    void namespaceUrisQualifyNamesWhenAsked() throws Exception {
        convert(dir, """
                <feed xmlns="urn:default" xmlns:a="urn:a" xmlns:a2="urn:a">
                  <entry a:lang="en" plain="p"><a:item>1</a:item><a2:other>2</a2:other></entry>
                  <entry><a2:item>3</a2:item></entry>
                </feed>
                """, new ConversionOptions(null, FlattenMode.CHILD_TABLES, "|", true));

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@{urn:a}lang", "@plain", "{urn:a}item", "{urn:a}other"),
                row("1", "en", "p", "1", "2"),
                row("2", "", "", "3", ""));
    }

    @Test
    void cdataIsTextAndMixedContentIsTheElementsStringValue() throws Exception {
        convert(dir, """
                <notes>
                  <note><body><![CDATA[<b>bold</b> & "raw"]]></body><p>Hello <em>big</em> world<!-- skip -->!</p></note>
                  <note><body>plain &amp; &lt;escaped&gt; &#x263A;</body><p>  kept  </p></note>
                </notes>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "body", "p"),
                row("1", "<b>bold</b> & \"raw\"", "Hello big world!"),
                row("2", "plain & <escaped> \u263A", "kept"));
    }

    @Test
    void emptyAndSelfClosingElementsHaveEmptyCells() throws Exception {
        convert(dir, """
                <rows>
                  <row><a/><b></b><c>1</c><d flag="y"/></row>
                  <row><c>2</c></row>
                </rows>
                """);

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "a", "b", "c", "d@flag"),
                row("1", "", "", "1", "y"),
                row("2", "", "", "2", ""));
    }

    @Test
    void withKeepWhitespaceTextIsKeptAsWrittenAndOnlyWhitespaceBetweenElementsIsLayout() throws Exception {
        convert(dir, "<r>\n  <i>\n    <v> a \t b </v>\n    <w>   </w>\n  </i>\n  <i><v>x\r\ny</v></i>\n</r>",
                ConversionOptions.defaults().withKeepWhitespace(true));

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "v", "w"),
                row("1", " a \t b ", "   "),
                row("2", "x\ny", ""));
    }

    @Test
    void byDefaultTextIsTrimmedButInnerWhitespaceCdataAndAttributesAreKept() throws Exception {
        convert(dir, "<r>\n  <i a=\"  x  \">\n    <v>\n      a \t b\n    </v>\n    <w>   </w>\n"
                + "    <c>  <![CDATA[ c ]]>  </c>\n    <m> one <b/> two </m>\n  </i>\n</r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@a", "v", "w", "c", "m"),
                row("1", "  x  ", "a \t b", "", " c ", "one  two"));
    }

    @Test
    void attributeValuesAreKeptExactlyWhateverSurroundsThemOrTheyHold() throws Exception {
        // neighbours in the parser's shared value buffer: whitespace at either end, empty and blank values
        // next to each other, character references to chars below ' ', non-ASCII, CSV specials, entities
        convert(dir, "<r><i a=\" lead\" b=\"trail \" c=\"\" d=\"   \" e=\"x\" f=\"&#9;tab&#10;\""
                + " g=\"\u00e9,&quot;q&quot;\" h=\"&#x1F600;\" k=\"a&amp;b\" l=\"a\nb\"/>"
                + "<i l=\"1\" k=\"2\" h=\"3\" g=\"4\" f=\"5\" e=\"6\" d=\"7\" c=\"8\" b=\"9\" a=\" \"/></r>");

        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "@a", "@b", "@c", "@d", "@e", "@f", "@g", "@h", "@k", "@l"),
                row("1", " lead", "trail ", "", "   ", "x", "\ttab\n", "\u00e9,\"q\"", "\uD83D\uDE00", "a&b", "a b"),
                row("2", " ", "9", "8", "7", "6", "5", "4", "3", "2", "1"));
    }

    @Test
    void deepNestingGivesOneLongColumn() throws Exception {
        StringBuilder xml = new StringBuilder("<list><item>");
        for (int i = 0; i < 200; i++) {
            xml.append("<n").append(i).append(">");
        }
        xml.append("deep");
        for (int i = 199; i >= 0; i--) {
            xml.append("</n").append(i).append(">");
        }
        xml.append("</item><item/></list>");

        convert(dir, xml.toString());

        List<String> path = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            path.add("n" + i);
        }
        List<List<String>> rows = csv(dir, "doc.csv");
        assertThat(rows.getFirst()).containsExactly("_id", String.join(".", path), "item");
        assertThat(rows.get(1)).containsExactly("1", "deep", "");
        assertThat(rows.get(2)).containsExactly("2", "", "");
    }

    @Test
    void contentOutsideRecordsGoesToTheDocumentTable() throws Exception {
        var summary = convert(dir, """
                <export created="2024-05-01">
                  <header><source>ERP</source><contact>a@x</contact><contact>b@x</contact></header>
                  <orders count="2"><order><id>1</id></order><order><id>2</id></order></orders>
                  <footer>end</footer>
                </export>
                """);

        assertThat(summary.outputs()).extracting(TableOutput::path)
                .containsExactly("doc._document.csv", "doc._document.header.contact.csv", "doc.csv");
        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "id"), row("1", "1"), row("2", "2"));
        assertThat(csv(dir, "doc._document.csv")).containsExactly(
                row("_id", "@created", "header.source", "orders@count", "footer"),
                row("1", "2024-05-01", "ERP", "2", "end"));
        assertThat(csv(dir, "doc._document.header.contact.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "contact"),
                row("1", "1", "1", "a@x"),
                row("2", "1", "1", "b@x"));
    }

    @Test
    void recordIsDetectedThroughSingleWrappers() throws Exception {
        convert(dir, "<a><b><c><rec><v>1</v></rec><rec><v>2</v></rec></c></b></a>");

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "v"), row("1", "1"), row("2", "2"));
    }

    @Test
    void aSingleRecordFileIsOneRow() throws Exception {
        convert(dir, "<orders><order><id>7</id><line>a</line><line>b</line></order></orders>");

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "id"), row("1", "7"));
        assertThat(csv(dir, "doc.line.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "order.id", "_position", "line"),
                row("1", "1", "1", "7", "1", "a"), row("2", "1", "1", "7", "2", "b"));
    }

    @Test
    void explicitRecordElementByNameOrPath() throws Exception {
        String xml = "<shop><name>S</name><orders><order><line>a</line><line>b</line></order>"
                + "<order><line>c</line></order></orders></shop>";

        convert(dir, xml, record("line"));
        // records inside a repeated element link to its row, in a table of the document side
        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "_parent_id", "line"), row("1", "1", "a"), row("2", "1", "b"), row("3", "2", "c"));
        assertThat(csv(dir, "doc._document.csv")).containsExactly(row("_id", "name"), row("1", "S"));
        assertThat(csv(dir, "doc._document.orders.order.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id"), row("1", "1", "1"), row("2", "1", "1"));

        Path other = dir.resolve("again");
        convert(java.nio.file.Files.createDirectories(other), xml, record("orders/order"));
        assertThat(csv(other, "doc.csv")).containsExactly(row("_id"), row("1"), row("2"));
        assertThat(csv(other, "doc.line.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "line"),
                row("1", "1", "1", "a"), row("2", "1", "1", "b"), row("3", "2", "2", "c"));
    }

    @Test
    void aMissingRecordElementFailsTheFile() throws Exception {
        var summary = convert(dir, "<a><b/></a>", record("nothing"));

        assertThat(summary.outputs()).isEmpty();
        assertThat(summary.failures()).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("no element matches the record element 'nothing'"));
    }

    @Test
    void joinModeJoinsRepeatedLeavesWithEscapingAndKeepsStructuresAsTables() throws Exception {
        var summary = convert(dir, """
                <books>
                  <book><tag>a|b</tag><tag>c\\d</tag><tag/><tag>e</tag><author><n>X</n></author><author><n>Y</n></author></book>
                  <book><tag>solo</tag></book>
                </books>
                """, join("|"));

        assertThat(summary.outputs()).extracting(TableOutput::path).containsExactly("doc.csv", "doc.author.csv");
        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "tag"),
                row("1", "a\\|b|c\\\\d||e"),
                row("2", "solo"));
        assertThat(csv(dir, "doc.author.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "n"), row("1", "1", "1", "X"), row("2", "1", "1", "Y"));
    }

    @Test
    void joinModeEscapesAMultiByteSeparatorAndNothingThatMerelySharesItsBytes() throws Exception {
        // '¦' is C2 A6 in UTF-8 and '§' is C2 A7: only the separator itself is escaped
        convert(dir, "<r><i><t>§¦§</t><t>a\\b</t><t>ok, \"q\"</t></i><i><t>x</t></i></r>", join("¦"));

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "t"), row("1", "§\\¦§¦a\\\\b¦ok, \"q\""),
                row("2", "x"));
    }

    @Test
    void columnsCollidingWithKeysOrDottedNamesGetASuffix() throws Exception {
        convert(dir, "<r><i><_id>own</_id><a><b>1</b></a><a.b>2</a.b></i><i/></r>");

        assertThat(csv(dir, "doc.csv").getFirst()).containsExactly("_id", "_id~2", "a.b", "a.b~2", "i");
        assertThat(csv(dir, "doc.csv").get(1)).containsExactly("1", "own", "1", "2", "");
    }

    @Test
    void aRecordInsideARepeatedElementLinksToIt() throws Exception {
        convert(dir, "<x><batch id=\"1\"><o>a</o><o>b</o></batch><batch id=\"2\"><o>c</o></batch></x>", record("o"));

        assertThat(csv(dir, "doc._document.batch.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "@id"), row("1", "1", "1", "1"), row("2", "1", "1", "2"));
        assertThat(csv(dir, "doc.csv")).containsExactly(
                row("_id", "_parent_id", "o"), row("1", "1", "a"), row("2", "1", "b"), row("3", "2", "c"));
    }
}
