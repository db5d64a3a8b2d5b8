package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.rag.chunk.CsvChunker;

/** Chat reads the conversion's schema: surrogate columns leave the chunk text, child rows are keyed by their parent. */
class TableLayoutTest {
    @TempDir
    Path dir;

    private static ColumnSchema column(String name, ColumnRole role) {
        return new ColumnSchema(name, ColumnType.STRING, role, 0);
    }

    static DataPackage orders() {
        TableSchema order = new TableSchema("order", "orders.csv", "orders.xml", "/orders/order", "", List.of("@id"),
                List.of(), KeySource.DETECTED, 2, List.of(column("_id", ColumnRole.SURROGATE), column("@id", ColumnRole.DATA),
                        column("customer", ColumnRole.DATA)));
        TableSchema line = new TableSchema("order.line", "orders.line.csv", "orders.xml", "/orders/order/line", "order",
                List.of("order.@id", "_n"), List.of("order.@id"), KeySource.POSITION, 3,
                List.of(column("_id", ColumnRole.SURROGATE), column("_parent_id", ColumnRole.SURROGATE),
                        column("order.@id", ColumnRole.DATA), column("_n", ColumnRole.POSITION), column("sku", ColumnRole.DATA)));
        return new DataPackage(Layout.MERGED, List.of(order, line));
    }

    @Test
    void childRowsAreChunkedWithoutSurrogatesAndKeyedByTheirParentsNaturalKey() throws Exception {
        orders().write(dir);
        TableLayout layout = TableLayout.of(dir);
        List<Chunk> chunks = new ArrayList<>();
        new CsvChunker().chunk(new StringReader("_id,_parent_id,order.@id,_n,sku\n1,1,ORD-1,1,SKU-1\n2,1,ORD-1,2,SKU-2\n"),
                "orders.line.csv", new ChunkSource("docs", "alice", "s1"), layout.hidden("orders.line.csv"), chunks::add);

        assertThat(chunks).extracting(Chunk::text).containsExactly("order.@id,_n,sku\nORD-1,1,SKU-1", "order.@id,_n,sku\nORD-1,2,SKU-2");
        assertThat(chunks.get(1).firstRow()).isEqualTo(2);
        assertThat(layout.key("orders.line.csv", List.of("order.@id", "_n", "sku"), List.of("ORD-1", "2", "SKU-2")))
                .isEqualTo("order.@id=ORD-1, _n=2");
        assertThat(layout.key("orders.csv", List.of("@id", "customer"), List.of("ORD-1", "Harbour"))).isEqualTo("@id=ORD-1");
    }

    @Test
    void withoutASchemaEveryColumnStaysAndNoKeyIsClaimed() {
        TableLayout layout = TableLayout.of(dir);

        assertThat(layout.hidden("orders.line.csv")).isEmpty();
        assertThat(layout.key("orders.line.csv", List.of("_id", "_parent_id", "sku"), List.of("1", "1", "SKU-1"))).isEmpty();
    }
}
