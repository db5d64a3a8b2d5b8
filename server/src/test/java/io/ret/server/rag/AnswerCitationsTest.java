package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ret.server.rag.chat.CitedRows;
import io.ret.server.rag.chat.FollowUp;
import io.ret.server.rag.chat.MarkerRenumbering;

/** How an answer's markers become citations: numbered 1..n, each narrowed to the rows it quotes. */
class AnswerCitationsTest {

    private static Chunk chunk(long first, String... rows) {
        return new Chunk(Chunk.idOf("docs", "s1", "orders.csv", first, first + rows.length - 1, 0), "docs", "alice", "s1",
                "orders.csv", first, first + rows.length - 1, "order_id,customer,city\n" + String.join("\n", rows));
    }

    @Test
    void markersAreRenumberedInOrderOfFirstUseEvenWhenSplitAcrossTokens() {
        List<String> out = new ArrayList<>();
        var renumbering = new MarkerRenumbering(5, out::add);
        for (String token : List.of("Oslo ", "[", "3", "] and Lyon [1", "] again [3][", "5, 1]; not a marker [9] or [x]")) {
            renumbering.onToken(token);
        }
        renumbering.finish();

        assertThat(String.join("", out)).isEqualTo("Oslo [1] and Lyon [2] again [1][3, 2]; not a marker [9] or [x]");
        assertThat(renumbering.passagesByMarker()).containsExactly(3, 1, 5);
    }

    @Test
    void aCitationOfAManyRowChunkNarrowsToTheRowTheAnswerQuotes() {
        Chunk chunk = chunk(11, "ORD-11,Harbour Ltd,Oslo", "ORD-12,Fjord AS,Bergen", "ORD-13,Harbour Ltd,Lyon");
        String answer = "Order ORD-12 was placed by Fjord AS [1]. Harbour Ltd ordered twice [2].";

        CitedRows.Rows rows = CitedRows.of(answer, 1, chunk);
        assertThat(rows.firstRow()).isEqualTo(12);
        assertThat(rows.lastRow()).isEqualTo(12);
        assertThat(rows.text()).isEqualTo("order_id,customer,city\nORD-12,Fjord AS,Bergen");

        CitedRows.Rows both = CitedRows.of(answer, 2, chunk);
        assertThat(both.firstRow()).isEqualTo(11);
        assertThat(both.lastRow()).isEqualTo(13);

        assertThat(CitedRows.of("Nothing in common [1]", 1, chunk).lastRow()).as("no evidence: the whole chunk").isEqualTo(13);
    }

    @Test
    void aFollowUpThatRefersBackIsSearchedWithTheRowsCitedBefore() {
        List<String> cited = List.of("ORD-42,Customer 42,Oslo");

        assertThat(FollowUp.searchText("and who is its customer?", cited)).isEqualTo("and who is its customer?\nORD-42,Customer 42,Oslo");
        assertThat(FollowUp.searchText("What about their city?", cited)).contains("ORD-42");
        assertThat(FollowUp.searchText("And ORD-43?", cited)).as("names its own subject").isEqualTo("And ORD-43?");
        assertThat(FollowUp.searchText("Which orders went to Lyon?", cited)).isEqualTo("Which orders went to Lyon?");
        assertThat(FollowUp.searchText("and who is its customer?", List.of())).isEqualTo("and who is its customer?");
    }
}
