package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import io.ret.server.platform.error.ApiException;
import org.junit.jupiter.api.Test;

import io.ret.server.rag.chunk.CsvChunker;

class CsvChunkerTest {
    private static final ChunkSource SOURCE = new ChunkSource("docs", "alice", "s1");

    private static List<Chunk> chunk(int max, String csv) {
        List<Chunk> out = new ArrayList<>();
        int n = new CsvChunker(max).chunk(new StringReader(csv), "out/orders.csv", SOURCE, out::add);
        assertThat(n).isEqualTo(out.size());
        return out;
    }

    @Test
    void packsWholeRowsUnderTheLimitEachWithTheHeader() {
        var csv = new StringBuilder("id,name,city\n");
        for (int i = 1; i <= 50; i++) {
            csv.append("ORD-").append(i).append(",Name ").append(i).append(",City\n");
        }
        List<Chunk> chunks = chunk(120, csv.toString());

        assertThat(chunks).hasSizeGreaterThan(1);
        long expectedFirst = 1;
        for (Chunk c : chunks) {
            assertThat(c.text()).startsWith("id,name,city\n").hasSizeLessThanOrEqualTo(120);
            assertThat(c.firstRow()).isEqualTo(expectedFirst);
            assertThat(c.text().split("\n")).hasSize((int) (c.lastRow() - c.firstRow() + 2));
            assertThat(c.file()).isEqualTo("out/orders.csv");
            assertThat(c.ownerId()).isEqualTo("alice");
            assertThat(c.sessionId()).isEqualTo("s1");
            expectedFirst = c.lastRow() + 1;
        }
        assertThat(chunks.getLast().lastRow()).isEqualTo(50);
        assertThat(chunks.get(1).text()).contains("ORD-" + chunks.get(1).firstRow() + ",");
    }

    @Test
    void byDefaultEachRowIsAChunkOfItsOwnWithTheHeader() {
        List<Chunk> out = new ArrayList<>();
        var tally = new CsvChunker().tally(new StringReader("id,city\nORD-1,Oslo\nORD-2,Lyon\n"), "o.csv", SOURCE, java.util.Set.of());
        new CsvChunker().chunk(new StringReader("id,city\nORD-1,Oslo\nORD-2,Lyon\n"), "o.csv", SOURCE, out::add);

        assertThat(out).extracting(Chunk::text).containsExactly("id,city\nORD-1,Oslo", "id,city\nORD-2,Lyon");
        assertThat(out).allSatisfy(c -> assertThat(c.firstRow()).isEqualTo(c.lastRow()));
        assertThat(tally).isEqualTo(new CsvChunker.Tally(2, 2));
    }

    @Test
    void splitsAnOversizedRowIntoPartsThatRepeatTheHeader() {
        String longValue = "x".repeat(500);
        List<Chunk> chunks = chunk(200, "id,notes\n1,short\n2," + longValue + "\n3,short\n");

        List<Chunk> row2 = chunks.stream().filter(c -> c.firstRow() == 2).toList();
        assertThat(row2).hasSizeGreaterThanOrEqualTo(3).allSatisfy(c -> {
            assertThat(c.lastRow()).isEqualTo(2);
            assertThat(c.text()).startsWith("id,notes\n").hasSizeLessThanOrEqualTo(200);
        });
        String joined = row2.stream().map(c -> c.text().substring("id,notes\n".length())).reduce("", String::concat);
        assertThat(joined).isEqualTo("2," + longValue);
        assertThat(row2.stream().map(Chunk::id).distinct()).hasSize(row2.size());
        assertThat(chunks.getFirst().lastRow()).isEqualTo(1);
        assertThat(chunks.getLast().firstRow()).isEqualTo(3);
    }

    @Test
    void idsAreDeterministicAndQuotedFieldsSurvive() {
        String csv = "id,comment\n1,\"hello, \"\"world\"\"\"\n";
        List<Chunk> first = chunk(800, csv);
        List<Chunk> second = chunk(800, csv);

        assertThat(first).hasSize(1);
        assertThat(first.getFirst().id()).isEqualTo(second.getFirst().id()).hasSize(32);
        assertThat(first.getFirst().text()).isEqualTo("id,comment\n1,\"hello, \"\"world\"\"\"");
        assertThat(chunk(800, "id\n")).isEmpty();
    }

    @Test
    void aFileThatCannotBeReadAsCsvIsBadDataWithItsNameNotAServerFault() {
        // more columns than the CSV reader takes (16,384): the indexing job fails CSV_INVALID, not INTERNAL
        String wide = "c,".repeat(20_000) + "c\n";

        ApiException e = org.assertj.core.api.Assertions.catchThrowableOfType(ApiException.class,
                () -> new CsvChunker().chunk(new StringReader(wide), "out/wide.csv", SOURCE, chunk -> { }));

        assertThat(e.reason()).isEqualTo("CSV_INVALID");
        assertThat(e.getMessage()).startsWith("out/wide.csv cannot be read as CSV");
    }
}
