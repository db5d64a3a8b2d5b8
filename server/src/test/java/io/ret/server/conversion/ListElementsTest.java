package io.ret.server.conversion;

import static io.ret.server.conversion.Fixtures.convert;
import static io.ret.server.conversion.Fixtures.csv;
import static io.ret.server.conversion.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.TableSchema;

/**
 * Which elements start tables beyond the repeated ones: several kinds of record under one
 * document element, and elements that are list members by their shape although every
 * record of this version has one (generated documents; RealFormatsTest has the real ones).
 */
class ListElementsTest {

    @TempDir
    Path dir;

    private static String orders(String line) {
        return "<orders><order id=\"A1\"><status>open</status><address><city>Berlin</city></address>" + line.formatted(1)
                + "</order><order id=\"A2\"><status>paid</status><address><city>Paris</city></address>"
                + line.formatted(2) + "</order></orders>";
    }

    @Test
    void aLineInsideAPluralWrapperIsAChildTableEvenWhenEveryOrderHasOne() throws Exception {
        convert(dir, orders("<lines><line><sku>S%d</sku><qty>1</qty></line></lines>"));

        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "@id", "status", "address.city"),
                row("1", "A1", "open", "Berlin"), row("2", "A2", "paid", "Paris"));
        assertThat(csv(dir, "doc.lines.line.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "order@id", "_position", "sku", "qty"),
                row("1", "1", "1", "A1", "1", "S1", "1"), row("2", "2", "2", "A2", "1", "S2", "1"));
    }

    @Test
    void aLineWithItsOwnNumberIsAChildTableKeyedByItAndASingleAddressStaysInline() throws Exception {
        convert(dir, orders("<line no=\"1\"><sku>S%d</sku></line>"));

        assertThat(csv(dir, "doc.csv").getFirst()).containsExactly("_id", "@id", "status", "address.city");
        assertThat(csv(dir, "doc.line.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "order@id", "@no", "sku"),
                row("1", "1", "1", "A1", "1", "S1"), row("2", "2", "2", "A2", "1", "S2"));
    }

    @Test
    void anIdNamedAfterSomethingElseOrACodeDoesNotMakeATable() throws Exception {
        convert(dir, orders("<carrier><carrierCode>DHL</carrierCode><trackingId>T%d</trackingId></carrier>"));

        assertThat(csv(dir, "doc.csv").getFirst()).containsExactly("_id", "@id", "status", "address.city",
                "carrier.carrierCode", "carrier.trackingId");
        assertThat(Files.exists(dir.resolve("out/doc.carrier.csv"))).isFalse();
    }

    @Test
    void anElementWhoseNameRepeatsElsewhereInTheRecordTypeIsAChildTableEverywhere() throws Exception {
        convert(dir, "<osm><node id=\"1\"><tag k=\"a\" v=\"1\"/></node><node id=\"2\"/>"
                + "<way id=\"9\"><nd ref=\"1\"/><nd ref=\"2\"/><tag k=\"b\" v=\"2\"/><tag k=\"c\" v=\"3\"/></way></osm>");

        assertThat(csv(dir, "doc.node.tag.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "node@id", "@k", "@v"),
                row("1", "1", "1", "1", "a", "1"));
        assertThat(csv(dir, "doc.node.csv").getFirst()).containsExactly("_id", "@id");
    }

    @Test
    void anElementNamedAsAListMemberDirectlyInARecordIsAChildTableEvenWhenEveryRecordHasOne() throws Exception {
        ConversionSummary summary = convert(dir, "<doc><Stmt><Id>S1</Id><Ntry><Amt>1</Amt></Ntry></Stmt>"
                + "<Stmt><Id>S2</Id><Ntry><Amt>2</Amt></Ntry><OrderLine><sku>A</sku></OrderLine>"
                + "<address><city>Berlin</city></address></Stmt></doc>");

        assertThat(summary.schema().tables()).extracting(t -> t.name() + " " + t.primaryKey()).containsExactly(
                "doc [Id]", "doc.Ntry [Stmt.Id, _position]", "doc.OrderLine [Stmt.Id, _position]");
        assertThat(csv(dir, "doc.csv").getFirst()).containsExactly("_id", "Id", "address.city");
        assertThat(ListElements.memberNoun("Ntry")).isTrue();
        assertThat(ListElements.memberNoun("LineItem")).isTrue();
        assertThat(ListElements.memberNoun("entry")).isTrue();
        assertThat(ListElements.memberNoun("Entries")).isFalse();
        assertThat(ListElements.memberNoun("customer")).isFalse();
        // abbreviated as standards do, also before a word that only says "about it"
        assertThat(ListElements.memberNoun("Itm")).isTrue();
        assertThat(ListElements.memberNoun("CdtTrfTxInf")).isTrue();
        assertThat(ListElements.memberNoun("TxDtls")).isTrue();
        assertThat(ListElements.memberNoun("ItemDetails")).isTrue();
        assertThat(ListElements.memberNoun("PubmedData")).isFalse();
        assertThat(ListElements.memberNoun("info")).isFalse();
    }

    @Test
    void anElementNumberedInASequenceIsAChildTableEvenWhenEveryRecordHasOne() throws Exception {
        convert(dir, orders("<contributor><SequenceNumber>1</SequenceNumber><name>N%d</name></contributor>"));

        assertThat(csv(dir, "doc.csv").getFirst()).containsExactly("_id", "@id", "status", "address.city");
        assertThat(csv(dir, "doc.contributor.csv")).containsExactly(
                row("_id", "_parent_id", "_root_id", "order@id", "SequenceNumber", "name"),
                row("1", "1", "1", "A1", "1", "N1"), row("2", "2", "2", "A2", "1", "N2"));
    }

    @Test
    void aSingleChildCarryingTheOnlyIdOfARecordWithoutOneStaysInlineAndKeysTheRecordOneLevelDown() throws Exception {
        ConversionSummary summary = convert(dir, "<list><record><header><identifier>a</identifier></header>"
                + "<title>x</title></record><record><header><identifier>b</identifier></header><title>y</title></record>"
                + "</list>");

        assertThat(summary.schema().tables()).extracting(t -> t.name() + " " + t.primaryKey())
                .containsExactly("doc [header.identifier]");
        assertThat(csv(dir, "doc.csv")).containsExactly(row("_id", "header.identifier", "title"),
                row("1", "a", "x"), row("2", "b", "y"));
    }

    @Test
    void aListEndingInAPageTrailerHoldsTheRecordsAndTheTrailerGoesToTheDocumentTable() throws Exception {
        ConversionSummary summary = convert(dir, "<response><date>2024</date><list><item id=\"1\"><v>a</v></item>"
                + "<item id=\"2\"><v>b</v></item><token size=\"8\">next</token></list></response>");

        assertThat(summary.schema().tables()).extracting(t -> t.name() + " " + t.primaryKey())
                .containsExactly("doc._document []", "doc [@id]");
        assertThat(csv(dir, "doc._document.csv")).containsExactly(row("_id", "date", "list.token@size", "list.token"),
                row("1", "2024", "8", "next"));
    }

    @Test
    void repeatingKindsBesideTheRecordsAreRecordsOnlyWithAnIdOrANameOfTheirOwn() throws Exception {
        ConversionSummary summary = convert(dir, "<channel><title>t</title><category text=\"a\"/><category text=\"b\"/>"
                + "<owner><name>me</name></owner><item><guid>1</guid></item><item><guid>2</guid></item>"
                + "<item><guid>3</guid></item><plurals name=\"x\"><i>1</i></plurals><plurals name=\"y\"><i>2</i></plurals>"
                + "</channel>");

        assertThat(summary.schema().tables()).extracting(t -> t.name() + " " + t.primaryKey()).containsExactly(
                "doc._document []", "doc._document.category []", "doc.item [guid]", "doc.plurals [@name]");
        assertThat(csv(dir, "doc._document.csv")).containsExactly(row("_id", "title", "owner.name"), row("1", "t", "me"));
    }

    @Test
    void aDocumentElementHoldingSeveralKindsOfRecordGivesOneRecordTableEach() throws Exception {
        ConversionSummary summary = convert(dir, "<osm version=\"0.6\"><bounds minlat=\"1\"/>"
                + "<node id=\"1\" lat=\"5\"/><node id=\"2\" lat=\"6\"/>"
                + "<way id=\"9\"><nd ref=\"1\"/><nd ref=\"2\"/></way>"
                + "<relation id=\"7\"><member ref=\"9\"/><member ref=\"1\"/></relation></osm>");

        assertThat(summary.schema().tables()).extracting(t -> t.name() + " " + t.primaryKey()).containsExactly(
                "doc._document []", "doc.node [@id]", "doc.way [@id]", "doc.way.nd [way@id, _position]",
                "doc.relation [@id]", "doc.relation.member [relation@id, _position]");
        assertThat(csv(dir, "doc._document.csv")).containsExactly(row("_id", "@version", "bounds@minlat"),
                row("1", "0.6", "1"));
        assertThat(csv(dir, "doc.way.csv")).containsExactly(row("_id", "@id"), row("1", "9"));
        assertThat(csv(dir, "doc.node.csv")).containsExactly(row("_id", "@id", "@lat"), row("1", "1", "5"),
                row("2", "2", "6"));
    }

    @Test
    void aHeaderWithoutAnIdBesideTheRepeatedRecordsStaysInTheDocumentTable() throws Exception {
        ConversionSummary summary = convert(dir,
                "<export><header><created>2024</created></header><order id=\"1\"/><order id=\"2\"/></export>");

        assertThat(summary.schema().tables()).extracting(TableSchema::name).containsExactly("doc._document", "doc");
        assertThat(csv(dir, "doc._document.csv")).containsExactly(row("_id", "header.created"), row("1", "2024"));
    }
}
