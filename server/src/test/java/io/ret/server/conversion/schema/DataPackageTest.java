package io.ret.server.conversion.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPackageTest {

    private static final TableSchema ORDERS = new TableSchema("order", "order.csv", "", "/export/orders/order", "",
            List.of("@id"), List.of(), KeySource.DETECTED, 2, List.of(
                    new ColumnSchema("_id", ColumnType.INTEGER, ColumnRole.SURROGATE, 0),
                    new ColumnSchema("_file", ColumnType.STRING, ColumnRole.PROVENANCE, 0),
                    ColumnSchema.data("@id", ColumnType.STRING, 0),
                    ColumnSchema.data("total", ColumnType.DECIMAL, 1)));
    private static final TableSchema LINES = new TableSchema("order.line", "order.line.csv", "", "/export/orders/order/line",
            "order", List.of("order@id", "@no"), List.of("order@id"), KeySource.DETECTED, 3, List.of(
                    new ColumnSchema("_id", ColumnType.INTEGER, ColumnRole.SURROGATE, 0),
                    new ColumnSchema("_parent_id", ColumnType.INTEGER, ColumnRole.SURROGATE, 0),
                    ColumnSchema.data("order@id", ColumnType.STRING, 0),
                    ColumnSchema.data("@no", ColumnType.INTEGER, 0),
                    ColumnSchema.data("sku", ColumnType.STRING, 0)));

    @Test
    void aWrittenPackageReadsBackEqual(@TempDir Path dir) throws IOException {
        DataPackage written = new DataPackage(Layout.MERGED, List.of(ORDERS, LINES));
        written.write(dir);
        assertThat(DataPackage.exists(dir)).isTrue();
        assertThat(DataPackage.read(dir)).isEqualTo(written);
    }

    @Test
    void theJsonIsAFrictionlessTabularDataPackage() throws IOException {
        String json = new DataPackage(Layout.MERGED, List.of(ORDERS, LINES)).toJsonString();
        assertThat(json).contains("\"profile\" : \"tabular-data-package\"", "\"primaryKey\" : [ \"@id\" ]",
                "\"type\" : \"number\"", "\"ret:role\" : \"surrogate\"");
        DataPackage read = DataPackage.parse(json);
        TableSchema lines = read.table("order.line").orElseThrow();
        assertThat(lines.parentKey()).containsExactly("order@id");
        assertThat(lines.comparedColumns()).containsExactly("sku");
        assertThat(read.table("order").orElseThrow().systemColumns()).containsExactly("_id", "_file");
        assertThat(read.tableAt("order.line.csv")).contains(lines);
    }

    @Test
    void theJsonIsByteForByteWhatJacksonDatabindIndentsAndReadsTheSame() throws IOException {
        TableSchema perFile = new TableSchema("a \"q\" é", "dir/a.csv", "dir/a.xml", "/r/é", "", List.of("k"), List.of(),
                KeySource.GIVEN, 7, List.of(new ColumnSchema("k", ColumnType.STRING, ColumnRole.DATA, 0, "@k\t\\"),
                        ColumnSchema.data("ü", ColumnType.TIMESTAMP, 7)));
        String json = new DataPackage(Layout.PER_FILE, List.of(ORDERS, LINES, perFile)).toJsonString();
        ObjectMapper databind = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        assertThat(databind.writeValueAsString(databind.readTree(json))).isEqualTo(json);
        assertThat(DataPackage.parse(json)).isEqualTo(new DataPackage(Layout.PER_FILE, List.of(ORDERS, LINES, perFile)));
    }

    @Test
    void aColumnHoldingAStringValueIsMarkedMixedAndOthersCarryNoSuchProperty() throws IOException {
        TableSchema notes = new TableSchema("note", "note.csv", "", "/notes/note", "", List.of(), List.of(),
                KeySource.NONE, 1, List.of(new ColumnSchema("_id", ColumnType.INTEGER, ColumnRole.SURROGATE, 0),
                        new ColumnSchema("p", ColumnType.STRING, ColumnRole.DATA, 0, "/notes/note/p", true),
                        new ColumnSchema("q", ColumnType.STRING, ColumnRole.DATA, 0, "/notes/note/q")));
        String json = new DataPackage(Layout.MERGED, List.of(notes)).toJsonString();

        assertThat(json.split("\"ret:mixed\" : true", -1)).hasSize(2);
        TableSchema read = DataPackage.parse(json).table("note").orElseThrow();
        assertThat(read).isEqualTo(notes);
        assertThat(read.columns()).extracting(ColumnSchema::mixed).containsExactly(false, true, false);
    }

    @Test
    void valuesReadAsJacksonsTreeReadThem() throws IOException {
        DataPackage read = DataPackage.parse("""
                {"ret:layout":"merged","resources":[{"name":"t","path":"t.csv","ret:rows":"12",
                "schema":{"fields":{"one":{"name":"a","ret:nulls":3.0,"ret:role":null},"two":{"name":"b","type":"integer"}},
                "primaryKey":"a"}}], "extra": [1, {"x": true}]}""");
        TableSchema table = read.tables().getFirst();
        assertThat(table.rows()).isEqualTo(12);
        assertThat(table.primaryKey()).containsExactly("a");
        assertThat(table.columns()).containsExactly(ColumnSchema.data("a", ColumnType.STRING, 3),
                ColumnSchema.data("b", ColumnType.INTEGER, 0));
        assertThatThrownBy(() -> DataPackage.parse("{\"resources\":[{\"name\":\"t\",\"path\":\"\"}]}"))
                .isInstanceOf(IOException.class).hasMessageContaining("missing 'path'");
        assertThatThrownBy(() -> DataPackage.parse("{\"resources\":[")).isInstanceOf(IOException.class);
    }

    @Test
    void aPackageWithoutResourcesIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(DataPackage.FILE_NAME), "{\"profile\":\"tabular-data-package\"}");
        assertThatThrownBy(() -> DataPackage.read(dir)).isInstanceOf(IOException.class).hasMessageContaining("no resources");
    }

    @Test
    void unknownTypesReadAsStrings() throws IOException {
        DataPackage read = DataPackage.parse("""
                {"resources":[{"name":"t","path":"t.csv","schema":{"fields":[{"name":"a","type":"geopoint"}]}}]}""");
        assertThat(read.layout()).isEqualTo(Layout.PER_FILE);
        assertThat(read.tables().getFirst().columns().getFirst()).isEqualTo(ColumnSchema.data("a", ColumnType.STRING, 0));
    }
}
