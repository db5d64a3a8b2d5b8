package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two conversion outputs, written by hand as the conversion writes them (CSVs plus
 * datapackage.json), compared through {@link TreeDiff}: tables pair by record path, rows pair by
 * natural key, and surrogate and provenance columns never count.
 */
class SchemaDiffTest {
    private static final String ORDER_HEADER = "_id,_file,@id,status\n";
    private static final String LINE_HEADER = "_id,_parent_id,_root_id,_file,order@id,_pos,sku,qty\n";

    @TempDir
    Path dir;

    /** A merged conversion of orders ("id,status" per order) and their lines ("orderId,sku,qty" per line). */
    private Path merged(String side, List<String> orders, List<String> lines, String file) {
        Path root = dir.resolve(side);
        StringBuilder orderCsv = new StringBuilder(ORDER_HEADER);
        for (int i = 0; i < orders.size(); i++) {
            orderCsv.append(i + 1).append(',').append(file).append(',').append(orders.get(i)).append('\n');
        }
        StringBuilder lineCsv = new StringBuilder(LINE_HEADER);
        Map<String, Integer> positions = new java.util.HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] line = lines.get(i).split(",");
            int parent = 1 + orders.stream().map(o -> o.split(",")[0]).toList().indexOf(line[0]);
            int position = positions.merge(line[0], 1, Integer::sum);
            lineCsv.append(i + 1).append(',').append(parent).append(',').append(parent).append(',').append(file)
                    .append(',').append(line[0]).append(',').append(position).append(',').append(line[1]).append(',')
                    .append(line[2]).append('\n');
        }
        Diffs.write(root, "order.csv", orderCsv.toString());
        Diffs.write(root, "order.line.csv", lineCsv.toString());
        write(root, new DataPackage(Layout.MERGED, List.of(orderTable("order", "order.csv", "", orders.size()),
                lineTable("order.line", "order.line.csv", "", lines.size()))));
        return root;
    }

    private static TableSchema orderTable(String name, String path, String sourceFile, long rows) {
        return new TableSchema(name, path, sourceFile, "/export/order", "", List.of("@id"), List.of(),
                KeySource.DETECTED, rows, List.of(column("_id", ColumnRole.SURROGATE),
                column("_file", ColumnRole.PROVENANCE), column("@id", ColumnRole.DATA),
                column("status", ColumnRole.DATA)));
    }

    private static TableSchema lineTable(String name, String path, String sourceFile, long rows) {
        return new TableSchema(name, path, sourceFile, "/export/order/line", "order", List.of("order@id", "_pos"),
                List.of("order@id"), KeySource.POSITION, rows, List.of(column("_id", ColumnRole.SURROGATE),
                column("_parent_id", ColumnRole.SURROGATE), column("_root_id", ColumnRole.SURROGATE),
                column("_file", ColumnRole.PROVENANCE), column("order@id", ColumnRole.DATA),
                column("_pos", ColumnRole.POSITION), column("sku", ColumnRole.DATA), column("qty", ColumnRole.DATA)));
    }

    private static ColumnSchema column(String name, ColumnRole role) {
        return new ColumnSchema(name, role == ColumnRole.DATA ? ColumnType.STRING : ColumnType.INTEGER, role, 0);
    }

    private static void write(Path root, DataPackage schema) {
        try {
            schema.write(root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Run(DiffSummary summary, List<RowDelta> deltas, List<String> failures) {
        FileDiff table(String name) {
            return summary.files().stream().filter(f -> f.path().equals(name)).findFirst().orElseThrow();
        }

        List<RowDelta> of(String table, ChangeType type) {
            return deltas.stream().filter(d -> d.file().equals(table) && d.type() == type).toList();
        }
    }

    private Run diff(Path left, Path right, FileMatch match, DiffOptions options) throws IOException {
        List<RowDelta> deltas = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        DiffSummary summary = TreeDiff.diff(left, right, match, options.withWorkDir(dir), new DeltaSink() {
            @Override
            public void accept(RowDelta delta) {
                deltas.add(delta);
            }

            @Override
            public void failedFile(String file, String error) {
                failures.add(file + ": " + error);
            }
        }, DiffProgress.NONE);
        return new Run(summary, deltas, failures);
    }

    private Run diff(Path left, Path right) throws IOException {
        return diff(left, right, FileMatch.RELATIVE_PATH, DiffOptions.defaults());
    }

    private static List<Long> counts(FileDiff f) {
        return List.of(f.added(), f.removed(), f.modified(), f.unchanged());
    }

    @Test
    void anOrderRemovedAndAnotherAddedMidFileIsOneRemovedAndOneAddedWithTheirLines() throws IOException {
        Run run = diff(
                merged("l", List.of("1001,open", "1002,open", "1003,shipped"),
                        List.of("1001,A,1", "1002,B,2", "1002,C,3", "1003,D,4"), "jan.xml"),
                merged("r", List.of("1001,open", "1004,open", "1003,shipped"),
                        List.of("1001,A,1", "1004,E,5", "1003,D,4"), "jan.xml"));
        FileDiff orders = run.table("order");
        assertThat(orders.keyColumns()).containsExactly("@id");
        assertThat(counts(orders)).containsExactly(1L, 1L, 0L, 2L);
        assertThat(run.of("order", ChangeType.REMOVED)).singleElement()
                .satisfies(d -> assertThat(d.key()).containsExactly("1002"));
        assertThat(run.of("order", ChangeType.ADDED)).singleElement()
                .satisfies(d -> assertThat(d.key()).containsExactly("1004"));
        FileDiff lines = run.table("order.line");
        assertThat(lines.keyColumns()).containsExactly("order@id", "_pos");
        assertThat(counts(lines)).containsExactly(1L, 2L, 0L, 2L);
        assertThat(run.of("order.line", ChangeType.REMOVED)).extracting(RowDelta::key)
                .containsExactlyInAnyOrder(List.of("1002", "1"), List.of("1002", "2"));
        assertThat(run.summary().rowsModified()).isZero();
        assertThat(run.summary().files()).allSatisfy(f -> assertThat(f.warnings()).isEmpty());
    }

    @Test
    void anOrderInsertedAtTheTopIsOneAddedAndNothingElse() throws IOException {
        Run run = diff(
                merged("l", List.of("1001,open", "1002,open"), List.of("1001,A,1", "1002,B,2"), "a.xml"),
                merged("r", List.of("1000,new", "1001,open", "1002,open"),
                        List.of("1000,Z,9", "1001,A,1", "1002,B,2"), "a.xml"));
        assertThat(counts(run.table("order"))).containsExactly(1L, 0L, 0L, 2L);
        assertThat(counts(run.table("order.line"))).containsExactly(1L, 0L, 0L, 2L);
        assertThat(run.deltas()).extracting(RowDelta::type).containsOnly(ChangeType.ADDED);
    }

    @Test
    void aLineAddedToAnOrderWithOneLineIsOneAddedLine() throws IOException {
        Run run = diff(
                merged("l", List.of("1001,open"), List.of("1001,A,1"), "a.xml"),
                merged("r", List.of("1001,open"), List.of("1001,A,1", "1001,B,2"), "a.xml"));
        assertThat(counts(run.table("order"))).containsExactly(0L, 0L, 0L, 1L);
        FileDiff lines = run.table("order.line");
        assertThat(counts(lines)).containsExactly(1L, 0L, 0L, 1L);
        assertThat(lines.columns().any()).isFalse();
        assertThat(run.of("order.line", ChangeType.ADDED)).singleElement()
                .satisfies(d -> assertThat(d.key()).containsExactly("1001", "2"));
    }

    @Test
    void theSameDataFromDifferentlyNamedFilesIsUnchanged() throws IOException {
        Run run = diff(
                merged("l", List.of("1001,open", "1002,open"), List.of("1001,A,1"), "export-2024-01.xml"),
                merged("r", List.of("1001,open", "1002,open"), List.of("1001,A,1"), "orders/part-1.xml"));
        assertThat(run.summary().rowsUnchanged()).isEqualTo(3);
        assertThat(run.deltas()).isEmpty();
        assertThat(run.summary().averageSimilarity()).isEqualTo(1.0);
    }

    @Test
    void aChangedStatusIsOneModifiedRowWithExactlyThatColumn() throws IOException {
        Run run = diff(
                merged("l", List.of("1001,open", "1002,open"), List.of(), "a.xml"),
                merged("r", List.of("1001,open", "1002,shipped"), List.of(), "b.xml"));
        assertThat(counts(run.table("order"))).containsExactly(0L, 0L, 1L, 1L);
        assertThat(run.of("order", ChangeType.MODIFIED)).singleElement().satisfies(d -> {
            assertThat(d.key()).containsExactly("1002");
            assertThat(d.changes()).containsExactly(new CellChange("status", "open", "shipped"));
        });
    }

    @Test
    void aNaturalKeyWithRepeatedValuesFallsBackToAMultisetWithAWarning() throws IOException {
        Run run = diff(
                merged("l", List.of("1001,open", "1001,closed"), List.of(), "a.xml"),
                merged("r", List.of("1001,open", "1001,paid"), List.of(), "a.xml"));
        FileDiff orders = run.table("order");
        assertThat(orders.status()).isEqualTo(FileStatus.MATCHED);
        assertThat(orders.keyColumns()).isEmpty();
        assertThat(orders.warnings()).singleElement().asString()
                .isEqualTo("no key used: column '@id' has repeated values on the left; rows are compared as a multiset");
        assertThat(counts(orders)).containsExactly(1L, 1L, 0L, 1L);
    }

    @Test
    void aTableWithoutANaturalKeyIsAMultisetWithAWarning() throws IOException {
        Path left = merged("l", List.of("1001,open"), List.of(), "a.xml");
        Path right = merged("r", List.of("1001,open", "1002,new"), List.of(), "a.xml");
        TableSchema keyless = new TableSchema("order", "order.csv", "", "/export/order", "", List.of(), List.of(),
                KeySource.NONE, 1, orderTable("order", "order.csv", "", 1).columns());
        for (Path root : List.of(left, right)) {
            write(root, new DataPackage(Layout.MERGED, List.of(keyless, lineTable("order.line", "order.line.csv", "",
                    0))));
        }
        FileDiff orders = diff(left, right).table("order");
        assertThat(orders.keyColumns()).isEmpty();
        assertThat(orders.warnings()).containsExactly(
                "the schema gives no natural key for this table; rows are compared as a multiset");
        assertThat(counts(orders)).containsExactly(1L, 0L, 0L, 1L);
    }

    @Test
    void perTableKeysOverrideTheNaturalKeyAndSurrogatesAreRefused() throws IOException {
        Path left = merged("l", List.of("1001,open"), List.of("1001,A,1", "1001,B,2"), "a.xml");
        Path right = merged("r", List.of("1001,open"), List.of("1001,B,2", "1001,A,1"), "a.xml");
        // by position the two lines swapped places: both modified; by sku they are unchanged
        assertThat(counts(diff(left, right).table("order.line"))).containsExactly(0L, 0L, 2L, 0L);
        Run bySku = diff(left, right, FileMatch.RELATIVE_PATH,
                DiffOptions.defaults().withTableKeys(Map.of("/export/order/line", List.of("order@id", "sku"))));
        assertThat(bySku.table("order.line").keyColumns()).containsExactly("order@id", "sku");
        assertThat(counts(bySku.table("order.line"))).containsExactly(0L, 0L, 0L, 2L);

        Run bySurrogate = diff(left, right, FileMatch.RELATIVE_PATH,
                DiffOptions.defaults().withTableKeys(Map.of("order", List.of("_id"))));
        FileDiff orders = bySurrogate.table("order");
        assertThat(orders.status()).isEqualTo(FileStatus.FAILED);
        assertThat(orders.error()).isEqualTo("key column '_id' is a surrogate column: it numbers rows within one"
                + " conversion and cannot pair rows of two conversions");
        assertThat(bySurrogate.failures()).containsExactly("order: " + orders.error());
        assertThat(bySurrogate.summary().filesFailed()).isEqualTo(1);
    }

    @Test
    void aTreeWideKeyAppliesWhereItExistsAndOtherTablesKeepTheirNaturalKey() throws IOException {
        Run run = diff(
                merged("l", List.of("1001,open"), List.of("1001,A,1"), "a.xml"),
                merged("r", List.of("1001,paid"), List.of("1001,A,2"), "a.xml"),
                FileMatch.RELATIVE_PATH, DiffOptions.defaults().withKeyColumns(List.of("@id")));
        assertThat(run.table("order").keyColumns()).containsExactly("@id");
        assertThat(counts(run.table("order"))).containsExactly(0L, 0L, 1L, 0L);
        FileDiff lines = run.table("order.line");
        assertThat(lines.status()).isEqualTo(FileStatus.MATCHED);
        assertThat(lines.keyColumns()).containsExactly("order@id", "_pos");
        assertThat(lines.warnings()).containsExactly(
                "key column(s) [@id] on neither side; keyed by its natural key [order@id, _pos] instead");
        assertThat(counts(lines)).containsExactly(0L, 0L, 1L, 0L);
    }

    @Test
    void aTableOnOneSideCountsItsRowsAndAMissingFileFailsLoudly() throws IOException {
        Path left = merged("l", List.of("1001,open", "1002,open"), List.of(), "a.xml");
        Path right = merged("r", List.of("1001,open", "1002,open"), List.of(), "a.xml");
        write(left, new DataPackage(Layout.MERGED, List.of(orderTable("order", "order.csv", "", 2))));
        write(right, new DataPackage(Layout.MERGED, List.of(orderTable("order", "gone.csv", "", 2),
                lineTable("order.line", "order.line.csv", "", 0))));
        Run run = diff(left, right);
        assertThat(run.table("order.line").status()).isEqualTo(FileStatus.ADDED);
        FileDiff orders = run.table("order");
        assertThat(orders.status()).isEqualTo(FileStatus.FAILED);
        assertThat(orders.error()).isEqualTo("right: gone.csv, the table's file, is missing");
        assertThat(run.failures()).hasSize(1);
    }

    @Test
    void aTableWhoseRecordPathChangedStillPairsByNameWithAWarning() throws IOException {
        Path left = merged("l", List.of("1001,open"), List.of(), "a.xml");
        Path right = merged("r", List.of("1001,paid"), List.of(), "a.xml");
        TableSchema renamed = orderTable("order", "order.csv", "", 1);
        renamed = new TableSchema(renamed.name(), renamed.path(), "", "/archive/order", "", renamed.primaryKey(),
                List.of(), renamed.keySource(), 1, renamed.columns());
        write(right, new DataPackage(Layout.MERGED, List.of(renamed)));
        write(left, new DataPackage(Layout.MERGED, List.of(orderTable("order", "order.csv", "", 1))));
        Run run = diff(left, right);
        assertThat(run.summary().files()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("order");
            assertThat(counts(f)).containsExactly(0L, 0L, 1L, 0L);
            assertThat(f.warnings()).containsExactly(
                    "paired by table name: the record path changed from /export/order to /archive/order");
        });
    }

    @Test
    void perFileTablesPairBySourceFileThenRecordPath() throws IOException {
        Path left = dir.resolve("l");
        Path right = dir.resolve("r");
        Diffs.write(left, "a/jan.order.csv", ORDER_HEADER + "1,jan.xml,1,open\n");
        Diffs.write(left, "a/feb.order.csv", ORDER_HEADER + "1,feb.xml,2,open\n");
        Diffs.write(right, "x/jan.order.csv", ORDER_HEADER + "1,jan.xml,1,paid\n");
        Diffs.write(right, "x/feb.order.csv", ORDER_HEADER + "1,feb.xml,2,open\n");
        write(left, new DataPackage(Layout.PER_FILE, List.of(
                orderTable("a/jan.xml/order", "a/jan.order.csv", "a/jan.xml", 1),
                orderTable("a/feb.xml/order", "a/feb.order.csv", "a/feb.xml", 1))));
        write(right, new DataPackage(Layout.PER_FILE, List.of(
                orderTable("x/jan.xml/order", "x/jan.order.csv", "x/jan.xml", 1),
                orderTable("x/feb.xml/order", "x/feb.order.csv", "x/feb.xml", 1))));

        Run byPath = diff(left, right);
        assertThat(byPath.summary().files()).extracting(FileDiff::status).containsExactly(FileStatus.REMOVED,
                FileStatus.REMOVED, FileStatus.ADDED, FileStatus.ADDED);

        Run byName = diff(left, right, FileMatch.FILE_NAME, DiffOptions.defaults());
        assertThat(byName.summary().files()).extracting(FileDiff::path).containsExactly("x/feb.xml/order",
                "x/jan.xml/order");
        assertThat(counts(byName.table("x/feb.xml/order"))).containsExactly(0L, 0L, 0L, 1L);
        assertThat(counts(byName.table("x/jan.xml/order"))).containsExactly(0L, 0L, 1L, 0L);
    }

    @Test
    void differentLayoutsAreRefusedBeforeAnyRowIsRead() throws IOException {
        Path left = merged("l", List.of("1001,open"), List.of(), "a.xml");
        Path right = merged("r", List.of("1001,open"), List.of(), "a.xml");
        write(right, new DataPackage(Layout.PER_FILE, List.of(orderTable("a.xml/order", "order.csv", "a.xml", 1))));
        assertThat(TreeDiff.check(left, right, FileMatch.RELATIVE_PATH, DiffOptions.defaults()))
                .isInstanceOf(TreeDiff.Mismatch.Layouts.class);
        assertThatThrownBy(() -> diff(left, right)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layout is merged, the right's per-file");
        assertThat(TreeDiff.check(left, left, FileMatch.RELATIVE_PATH,
                DiffOptions.defaults().withTableKeys(Map.of("nope", List.of("x"), "order", List.of("@id")))))
                .isEqualTo(new TreeDiff.Mismatch.UnknownTables(List.of("nope")));
    }

    @Test
    void withoutASchemaSurrogateColumnsAreNeverDetectedAsKeys() throws IOException {
        Diffs.write(dir, "l/t.csv", "_id,name\n1,a\n2,b\n");
        Diffs.write(dir, "r/t.csv", "_id,name\n1,a\n2,x\n");
        Diffs.write(dir, "l/u.csv", "_id,_parent_id,order_id,v\n1,1,7,a\n");
        Diffs.write(dir, "r/u.csv", "_id,_parent_id,order_id,v\n1,1,7,b\n");
        Diffs.write(dir, "l/k.csv", "id,v\n1,a\n");
        Diffs.write(dir, "r/k.csv", "code,v\n1,a\n");
        Run run = diff(dir.resolve("l"), dir.resolve("r"), FileMatch.RELATIVE_PATH,
                DiffOptions.defaults().withKeyColumns(List.of("code")));
        FileDiff t = run.table("t.csv");
        assertThat(t.keyColumns()).isEmpty();
        assertThat(t.warnings()).containsExactly("key column(s) [code] on neither side; its key is detected instead");
        assertThat(counts(t)).containsExactly(1L, 1L, 0L, 1L);
        assertThat(run.table("u.csv").keyColumns()).containsExactly("order_id");
        // a tree-wide key on one side only still fails that file, and says so
        assertThat(run.table("k.csv").error()).isEqualTo("key column 'code' is missing on the left");
        assertThat(run.failures()).containsExactly("k.csv: key column 'code' is missing on the left");
    }
}
