package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.session.archive.ArchiveLimits;

class NaturalKeysTest {

    @TempDir
    Path dir;

    private ConversionSummary convert(Map<String, Object> files, ConversionOptions options, String out) throws Exception {
        Path zip = Fixtures.zip(dir.resolve(out + ".zip"), files);
        return new ArchiveConverter(options, ArchiveLimits.defaults()).convert(zip, dir.resolve(out), ConversionProgress.NONE);
    }

    private static Map<String, Object> twoExports() {
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("2024-01.xml", """
                <orders>
                  <order id="ORD-1">
                    <status>new</status><placed>2024-01-05</placed>
                    <line code="A"><qty>1</qty><price>9.50</price></line>
                  </order>
                  <order id="ORD-2">
                    <status>paid</status><placed>2024-01-06</placed>
                    <line code="B"><qty>2</qty><price>3</price></line>
                  </order>
                </orders>
                """);
        files.put("2024-02.xml", """
                <orders>
                  <order id="ORD-3">
                    <status>new</status>
                    <line code="A"><qty>4</qty><price>1.25</price></line>
                    <line code="C"><qty>1</qty><price>2</price></line>
                  </order>
                </orders>
                """);
        return files;
    }

    @Test
    void mergedTablesCarryTheRecordsKeyTheParentKeyAndTheSourceFile() throws Exception {
        ConversionSummary summary = convert(twoExports(), ConversionOptions.defaults(), "out");

        assertThat(summary.outputs()).extracting(TableOutput::path).containsExactly("order.csv", "order.line.csv");
        assertThat(csv(dir.resolve("out/order.csv"))).containsExactly(
                row("_id", "_file", "_line", "@id", "status", "placed"),
                row("1", "2024-01.xml", "2", "ORD-1", "new", "2024-01-05"),
                row("2", "2024-01.xml", "6", "ORD-2", "paid", "2024-01-06"),
                row("3", "2024-02.xml", "2", "ORD-3", "new", ""));
        // a line is a child table in every file, also where each order has one line; its code is unique per order, not over the table
        assertThat(csv(dir.resolve("out/order.line.csv"))).containsExactly(
                row("_id", "_parent_id", "_root_id", "_file", "_line", "order@id", "@code", "qty", "price"),
                row("1", "1", "1", "2024-01.xml", "4", "ORD-1", "A", "1", "9.50"),
                row("2", "2", "2", "2024-01.xml", "8", "ORD-2", "B", "2", "3"),
                row("3", "3", "3", "2024-02.xml", "4", "ORD-3", "A", "4", "1.25"),
                row("4", "3", "3", "2024-02.xml", "5", "ORD-3", "C", "1", "2"));

        DataPackage schema = DataPackage.read(dir.resolve("out"));
        assertThat(schema).isEqualTo(summary.schema());
        assertThat(schema.layout()).isEqualTo(Layout.MERGED);
        TableSchema order = schema.table("order").orElseThrow();
        assertThat(order.recordPath()).isEqualTo("/orders/order");
        assertThat(order.primaryKey()).containsExactly("@id");
        assertThat(order.keySource()).isEqualTo(KeySource.DETECTED);
        assertThat(order.rows()).isEqualTo(3);
        assertThat(order.columns()).containsExactly(
                new ColumnSchema("_id", ColumnType.INTEGER, ColumnRole.SURROGATE, 0),
                new ColumnSchema("_file", ColumnType.STRING, ColumnRole.PROVENANCE, 0),
                new ColumnSchema("_line", ColumnType.INTEGER, ColumnRole.PROVENANCE, 0),
                new ColumnSchema("@id", ColumnType.STRING, ColumnRole.DATA, 0, "/orders/order/@id"),
                new ColumnSchema("status", ColumnType.STRING, ColumnRole.DATA, 0, "/orders/order/status"),
                new ColumnSchema("placed", ColumnType.DATE, ColumnRole.DATA, 1, "/orders/order/placed"));
        TableSchema line = schema.table("order.line").orElseThrow();
        assertThat(line.parent()).isEqualTo("order");
        assertThat(line.parentKey()).containsExactly("order@id");
        assertThat(line.primaryKey()).containsExactly("order@id", "@code");
        assertThat(line.keySource()).isEqualTo(KeySource.DETECTED);
        assertThat(line.systemColumns()).containsExactly("_id", "_parent_id", "_root_id", "_file", "_line");
        assertThat(line.column("qty").orElseThrow().type()).isEqualTo(ColumnType.INTEGER);
        assertThat(line.column("price").orElseThrow().type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(line.comparedColumns()).containsExactly("qty", "price");
    }

    @Test
    void perFileLayoutGivesEveryFileTheSameColumns() throws Exception {
        convert(twoExports(), ConversionOptions.defaults().withLayout(Layout.PER_FILE), "out");

        assertThat(csv(dir.resolve("out/2024-02.csv")).getFirst()).containsExactly("_id", "@id", "status", "placed");
        assertThat(csv(dir.resolve("out/2024-01.line.csv")).getFirst())
                .isEqualTo(csv(dir.resolve("out/2024-02.line.csv")).getFirst())
                .containsExactly("_id", "_parent_id", "_root_id", "order@id", "@code", "qty", "price");
        DataPackage schema = DataPackage.read(dir.resolve("out"));
        assertThat(schema.layout()).isEqualTo(Layout.PER_FILE);
        assertThat(schema.tables()).extracting(TableSchema::name, TableSchema::sourceFile, TableSchema::parent)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("2024-01", "2024-01.xml", ""),
                        org.assertj.core.groups.Tuple.tuple("2024-01.line", "2024-01.xml", "2024-01"),
                        org.assertj.core.groups.Tuple.tuple("2024-02", "2024-02.xml", ""),
                        org.assertj.core.groups.Tuple.tuple("2024-02.line", "2024-02.xml", "2024-02"));
    }

    @Test
    void idLikeNamesInEveryFormAreFoundAndDuplicatesOrGapsAreRefused() throws Exception {
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("a.xml", """
                <root>
                  <invoice><code>X</code><orderId>10</orderId><InvoiceNumber>1</InvoiceNumber><line/><line/></invoice>
                  <invoice><code>X</code><InvoiceNumber>2</InvoiceNumber><line/></invoice>
                </root>
                """);
        convert(files, ConversionOptions.defaults(), "out");

        // code repeats and orderId is missing once: InvoiceNumber is the key; lines have no id: their position is
        TableSchema invoice = DataPackage.read(dir.resolve("out")).table("invoice").orElseThrow();
        assertThat(invoice.primaryKey()).containsExactly("InvoiceNumber");
        TableSchema line = DataPackage.read(dir.resolve("out")).table("invoice.line").orElseThrow();
        assertThat(line.keySource()).isEqualTo(KeySource.POSITION);
        assertThat(line.primaryKey()).containsExactly("invoice.InvoiceNumber", "_position");
        assertThat(line.column("_position").orElseThrow().role()).isEqualTo(ColumnRole.POSITION);
        assertThat(csv(dir.resolve("out/invoice.line.csv"))).containsExactly(
                row("_id", "_parent_id", "_root_id", "_file", "_line", "invoice.InvoiceNumber", "_position", "line"),
                row("1", "1", "1", "a.xml", "2", "1", "1", ""),
                row("2", "1", "1", "a.xml", "2", "1", "2", ""),
                row("3", "2", "2", "a.xml", "3", "2", "1", ""));
        assertThat(KeyDetector.lastWord("order_no")).isEqualTo("no");
        assertThat(KeyDetector.lastWord("ID")).isEqualTo("id");
        assertThat(KeyDetector.lastWord("cbc:UUID")).isEqualTo("uuid");
    }

    @Test
    void aKeyWrittenAfterTheChildrenStillReachesThem() throws Exception {
        convert(Map.of("a.xml", "<r><o><l>x</l><l>y</l><ID>7</ID></o><o><l>z</l><ID>8</ID></o></r>"),
                ConversionOptions.defaults(), "out");

        assertThat(csv(dir.resolve("out/o.l.csv"))).containsExactly(
                row("_id", "_parent_id", "_root_id", "_file", "_line", "o.ID", "_position", "l"),
                row("1", "1", "1", "a.xml", "1", "7", "1", "x"),
                row("2", "1", "1", "a.xml", "1", "7", "2", "y"),
                row("3", "2", "2", "a.xml", "1", "8", "1", "z"));
    }

    @Test
    void aKeyGivenByTheUserWinsAndARecordWithoutAnyKeyIsComparedAsAMultiset() throws Exception {
        Map<String, Object> files = Map.of("a.xml", "<r><o id=\"1\"><n>b</n></o><o id=\"2\"><n>a</n></o></r>",
                "b.xml", "<s><p><v>1</v></p><p><v>1</v></p></s>");
        ConversionSummary summary = convert(files,
                ConversionOptions.defaults().withKeyColumns(Map.of("/r/o", List.of("n"))), "out");

        DataPackage schema = summary.schema();
        assertThat(schema.table("r.o").orElseThrow().primaryKey()).containsExactly("n");
        assertThat(schema.table("r.o").orElseThrow().keySource()).isEqualTo(KeySource.GIVEN);
        assertThat(schema.table("s.p").orElseThrow().keySource()).isEqualTo(KeySource.NONE);
        assertThat(schema.table("s.p").orElseThrow().primaryKey()).isEmpty();
    }

    private List<String> keys(String xml) throws Exception {
        String out = "out" + xml.hashCode();
        ConversionSummary summary = convert(Map.of("a.xml", xml), ConversionOptions.defaults(), out);
        return summary.schema().tables().stream().map(t -> t.name() + " " + t.primaryKey()).toList();
    }

    @Test
    void withoutAnIdLikeColumnANameAKeyValuePairAUriOrAnIdOneLevelDownIsTheKeyWhenUniqueAndNeverEmpty()
            throws Exception {
        // a name, or the row element's name then name; a name named after something else is no key
        assertThat(keys("<r><s name=\"a\">x</s><s name=\"b\">y</s></r>")).containsExactly("s [@name]");
        assertThat(keys("<r><p><lastName>A</lastName><n>1</n></p><p><lastName>B</lastName><n>1</n></p></r>"))
                .containsExactly("p []");
        // a key-value pair: an attribute and a value, or leaves named as a name and a value
        assertThat(keys("<r><o id=\"1\"><tag k=\"a\" v=\"1\"/><tag k=\"b\" v=\"1\"/></o><o id=\"2\"><tag k=\"a\" v=\"2\"/></o></r>"))
                .containsExactly("o [@id]", "o.tag [o@id, @k]");
        assertThat(keys("<r><c currency=\"USD\" rate=\"1.1\"/><c currency=\"JPY\" rate=\"163\"/></r>"))
                .containsExactly("c [@currency]");
        assertThat(keys("<r><o id=\"1\"><p><valueName>a</valueName><value>1</value></p><p><valueName>b</valueName>"
                + "<value>1</value></p></o><o id=\"2\"/></r>")).containsExactly("o [@id]", "o.p [o@id, valueName]");
        // two leaves that are no name and value: not a pair
        assertThat(keys("<r><o id=\"1\"><l><sku>a</sku><qty>1</qty></l><l><sku>b</sku><qty>1</qty></l></o><o id=\"2\"/></r>"))
                .containsExactly("o [@id]", "o.l [o@id, _position]");
        // a pair whose key repeats within its parent is positional
        assertThat(keys("<r><o id=\"1\"><tag k=\"a\" v=\"1\"/><tag k=\"a\" v=\"2\"/></o><o id=\"2\"/></r>"))
                .containsExactly("o [@id]", "o.tag [o@id, _position]");
        // a URI, in every row; one value that is no URI (or none at all) and it is no key
        assertThat(keys("<r><u><loc>https://x.org/a</loc><n>1</n></u><u><loc>urn:isbn:123</loc><n>1</n></u></r>"))
                .containsExactly("u [loc]");
        assertThat(keys("<r><u><loc>https://x.org/a</loc><n>1</n></u><u><loc>/relative</loc><n>1</n></u></r>"))
                .containsExactly("u []");
        // an id one level down, in a single child: the record's own columns come first
        assertThat(keys("<r><a><c><PMID>1</PMID></c><t>x</t></a><a><c><PMID>2</PMID></c><t>y</t></a></r>"))
                .containsExactly("a [c.PMID]");
        assertThat(keys("<r><a no=\"7\"><c><customerId>1</customerId></c></a><a no=\"8\"><c><customerId>2</customerId></c></a></r>"))
                .containsExactly("a [@no]");
        assertThat(KeyDetector.isUri("https://a.b/c".getBytes(), 13)).isTrue();
        assertThat(KeyDetector.isUri("mailto:x@y".getBytes(), 10)).isFalse();
        assertThat(KeyDetector.isUri("http://a b".getBytes(), 10)).isFalse();
    }

    @Test
    void severalIdsNamedAfterOtherThingsKeyARowTogetherRatherThanWhicheverHappensToBeUniqueAlone() throws Exception {
        // each alone is unique in this version; a second dependency of group g next month would break groupId
        assertThat(keys("<p><d><groupId>g</groupId><artifactId>a</artifactId><v>1</v></d>"
                + "<d><groupId>h</groupId><artifactId>b</artifactId><v>1</v></d></p>"))
                .containsExactly("d [groupId, artifactId]");
        // one of them missing in a row: the other alone, if it holds
        assertThat(keys("<p><d><groupId>g</groupId><artifactId>a</artifactId></d><d><artifactId>b</artifactId></d></p>"))
                .containsExactly("d [artifactId]");
        // a plain id or one named after the row wins over the pair
        assertThat(keys("<p><d><id>1</id><groupId>g</groupId><artifactId>a</artifactId></d>"
                + "<d><id>2</id><groupId>g</groupId><artifactId>b</artifactId></d></p>")).containsExactly("d [id]");
    }

    @Test
    void aTypeAndAValueAreAKeyValuePairAndAnAbbreviationEndsBeforeTheNextWord() throws Exception {
        assertThat(keys("<r><p id=\"1\"><pid><ProductIDType>02</ProductIDType><IDValue>18</IDValue></pid>"
                + "<pid><ProductIDType>15</ProductIDType><IDValue>97818</IDValue></pid></p><p id=\"2\"/></r>"))
                .containsExactly("p [@id]", "p.pid [p@id, ProductIDType]");
        assertThat(KeyDetector.lastWord("IDValue")).isEqualTo("value");
        assertThat(KeyDetector.lastWord("ProductIDType")).isEqualTo("type");
        assertThat(KeyDetector.lastWord("UBLVersionID")).isEqualTo("id");
        assertThat(KeyDetector.lastWord("PMID")).isEqualTo("pmid");
        assertThat(KeyDetector.lastWord("orderId")).isEqualTo("id");
    }

    @Test
    void aReferenceNamedAfterWhatItPointsAtIsAWeakKeyButABareRefInASequenceIsNot() throws Exception {
        assertThat(keys("<r><f id=\"1\"><cash contextRef=\"c1\" unitRef=\"usd\">5</cash>"
                + "<cash contextRef=\"c2\" unitRef=\"usd\">6</cash></f><f id=\"2\"/></r>"))
                .containsExactly("f [@id]", "f.cash [f@id, @contextRef]");
        assertThat(keys("<r><w id=\"1\"><nd ref=\"7\"/><nd ref=\"8\"/></w><w id=\"2\"><nd ref=\"7\"/></w></r>"))
                .containsExactly("w [@id]", "w.nd [w@id, _position]");
    }

    @Test
    void aTableLeftWithoutRowsInTheNextVersionKeepsItsPositionKeyRatherThanAnUntestedColumn() throws Exception {
        String first = "<r><o id=\"1\"><t><u>https://a.org/1</u></t><t><u>https://a.org/2</u></t></o><o id=\"2\"/></r>";
        ConversionSummary before = convert(Map.of("a.xml", first), ConversionOptions.defaults(), "before");
        assertThat(before.schema().table("o.t").orElseThrow().primaryKey()).containsExactly("o@id", "u");

        String second = "<r><o id=\"1\"><w><v>https://b.org</v></w><w><v>x</v></w></o><o id=\"2\"/></r>";
        ConversionSummary after = convert(Map.of("a.xml", second),
                ConversionOptions.defaults().withPreviousLayout(before.schema()), "after");
        TableSchema empty = after.schema().table("o.t").orElseThrow();
        assertThat(empty.rows()).isZero();
        assertThat(empty.primaryKey()).containsExactly("o@id", "_position");
    }
}
