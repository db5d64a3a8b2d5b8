package io.ret.server.comparison;

import static io.ret.server.comparison.Diffs.added;
import static io.ret.server.comparison.Diffs.diff;
import static io.ret.server.comparison.Diffs.modified;
import static io.ret.server.comparison.Diffs.removed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDiffEngineTest {
    private static final DiffOptions KEY_ID = DiffOptions.defaults().withKeyColumns(List.of("id"));

    @TempDir
    Path dir;

    @Test
    void keyedModifyAddRemoveWithBeforeAndAfter() {
        var r = diff(dir, "id,name,age\n1,Ann,30\n2,Bob,40\n3,Cy,50\n",
                "id,name,age\n3,Cy,50\n2,Bob,41\n4,Di,60\n", KEY_ID);
        assertThat(r.deltas()).containsExactly(
                removed(List.of("1"), 1, List.of("1", "Ann", "30")),
                modified(List.of("2"), 2, 2, List.of(new CellChange("age", "40", "41")), List.of("2", "Bob", "40"),
                        List.of("2", "Bob", "41")),
                added(List.of("4"), 3, List.of("4", "Di", "60")));
        FileDiff f = r.file();
        assertThat(f.status()).isEqualTo(FileStatus.MATCHED);
        assertThat(f.keyColumns()).containsExactly("id");
        assertThat(List.of(f.rowsLeft(), f.rowsRight(), f.added(), f.removed(), f.modified(), f.unchanged()))
                .containsExactly(3L, 3L, 1L, 1L, 1L, 1L);
        assertThat(f.similarity()).isEqualTo(0.25);
        assertThat(f.warnings()).isEmpty();
    }

    @Test
    void compositeKey() {
        var r = diff(dir, "a,b,v\n1,x,p\n1,y,q\n", "a,b,v\n1,y,Q\n1,x,p\n",
                DiffOptions.defaults().withKeyColumns(List.of("a", "b")));
        assertThat(r.deltas()).containsExactly(modified(List.of("1", "y"), 2, 1,
                List.of(new CellChange("v", "q", "Q")), List.of("1", "y", "q"), List.of("1", "y", "Q")));
    }

    @Test
    void columnAddedRemovedAndReorderedAreReportedOnceNotPerRow() {
        var r = diff(dir, "id,name,age,old\n1,Ann,30,x\n2,Bob,40,y\n",
                "id,age,name,city\n1,30,Ann,Paris\n2,41,Bob,Rome\n", KEY_ID);
        assertThat(r.file().columns()).isEqualTo(new ColumnChanges(List.of("city"), List.of("old"), true));
        assertThat(r.deltas()).containsExactly(modified(List.of("2"), 2, 2, List.of(new CellChange("age", "40", "41")),
                List.of("2", "Bob", "40", "y"), List.of("2", "41", "Bob", "Rome")));
        assertThat(r.file().unchanged()).isEqualTo(1);
    }

    @Test
    void keyIsDetectedFromAnIdColumnWithUniqueValues() {
        var r = diff(dir, "name,order_id\nA,1\nB,2\n", "name,order_id\nA,1\nC,2\n", DiffOptions.defaults());
        assertThat(r.file().keyColumns()).containsExactly("order_id");
        assertThat(r.deltas()).containsExactly(modified(List.of("2"), 2, 2, List.of(new CellChange("name", "B", "C")),
                List.of("B", "2"), List.of("C", "2")));
    }

    @Test
    void detectedKeyWithRepeatedValuesFallsBackToKeyless() {
        var r = diff(dir, "id,v\n1,a\n1,b\n", "id,v\n1,a\n1,c\n", DiffOptions.defaults());
        assertThat(r.file().keyColumns()).isEmpty();
        assertThat(r.file().warnings()).singleElement().asString()
                .contains("no key used: column 'id' has repeated values on the left");
        assertThat(r.deltas()).containsExactly(removed(List.of(), 2, List.of("1", "b")),
                added(List.of(), 2, List.of("1", "c")));
    }

    @Test
    void detectedKeyWithAnEmptyValueFallsBackToKeyless() {
        var r = diff(dir, "id,v\n1,a\n,b\n", "id,v\n1,a\n2,b\n", DiffOptions.defaults());
        assertThat(r.file().keyColumns()).isEmpty();
        assertThat(r.file().warnings()).singleElement().asString().contains("is empty in left data row 2");
    }

    @Test
    void keylessIsAMultisetDiffCountingDuplicates() {
        var r = diff(dir, "a,b\nx,1\nx,1\nx,1\ny,2\n", "a,b\ny,2\nx,1\nz,3\n", DiffOptions.defaults().withKeyless(true));
        assertThat(r.deltas()).containsExactly(
                removed(List.of(), 2, List.of("x", "1")),
                removed(List.of(), 3, List.of("x", "1")),
                added(List.of(), 3, List.of("z", "3")));
        assertThat(r.file().unchanged()).isEqualTo(2);
        assertThat(r.file().modified()).isZero();
        assertThat(r.file().similarity()).isEqualTo(2.0 / 5);
    }

    @Test
    void orderedModeAlignsRowsAndPairsGapsAsModified() {
        String left = "a,b\nh,0\nx,1\ny,2\nz,3\nw,4\n";
        String right = "a,b\nh,0\nnew,9\nx,1\ny,22\nz,3\n";
        var r = diff(dir, left, right, DiffOptions.defaults().withOrdered(true));
        assertThat(r.deltas()).containsExactly(
                added(List.of(), 2, List.of("new", "9")),
                modified(List.of(), 3, 4, List.of(new CellChange("b", "2", "22")), List.of("y", "2"),
                        List.of("y", "22")),
                removed(List.of(), 5, List.of("w", "4")));
        assertThat(r.file().unchanged()).isEqualTo(3);
    }

    @Test
    void orderedModeReportsAMovedRowAsRemovedAndAdded() {
        var r = diff(dir, "a\n1\n2\n3\n", "a\n2\n3\n1\n", DiffOptions.defaults().withOrdered(true));
        assertThat(r.deltas()).containsExactly(removed(List.of(), 1, List.of("1")), added(List.of(), 3, List.of("1")));
    }

    @Test
    void ignoredColumnsDoNotCountButStayInTheRows() {
        var r = diff(dir, "id,v,ts\n1,a,09:00\n2,b,09:00\n", "id,v,ts\n1,a,10:00\n2,B,10:00\n",
                KEY_ID.withIgnoreColumns(Set.of("ts")));
        assertThat(r.deltas()).containsExactly(modified(List.of("2"), 2, 2, List.of(new CellChange("v", "b", "B")),
                List.of("2", "b", "09:00"), List.of("2", "B", "10:00")));
    }

    @Test
    void trimAndIgnoreCaseApplyToEqualityButReportOriginals() {
        String left = "id,v\n1, Straße \n2,abc\n3,ÉCOLE\n";
        String right = "id,v\n1,STRASSE\n2, ABC\n3,école \n";
        var plain = diff(dir, left, right, KEY_ID);
        assertThat(plain.file().modified()).isEqualTo(3);
        var lenient = diff(dir, left, right, KEY_ID.withTrimWhitespace(true).withIgnoreCase(true));
        // ß has no single-character upper case, so simple case folding keeps it apart from SS
        assertThat(lenient.deltas()).containsExactly(modified(List.of("1"), 1, 1,
                List.of(new CellChange("v", " Straße ", "STRASSE")), List.of("1", " Straße "), List.of("1", "STRASSE")));
        assertThat(lenient.file().unchanged()).isEqualTo(2);
    }

    @Test
    void trimAppliesToKeysToo() {
        var r = diff(dir, "id,v\n 1,a\n", "id,v\n1 ,a\n", KEY_ID.withTrimWhitespace(true));
        assertThat(r.deltas()).isEmpty();
        assertThat(r.file().unchanged()).isEqualTo(1);
    }

    @Test
    void numericToleranceIsAnAbsoluteDifferenceBetweenNumbers() {
        String left = "id,x\n1,1.00\n2,1.00\n3,abc\n4,1e2\n5,-0.5\n";
        String right = "id,x\n1,1.01\n2,1.02\n3,abd\n4,100.0\n5,x\n";
        var r = diff(dir, left, right, KEY_ID.withNumericTolerance(0.01));
        assertThat(r.deltas()).extracting(RowDelta::key).containsExactly(List.of("2"), List.of("3"), List.of("5"));
        assertThat(r.deltas().getFirst().changes()).containsExactly(new CellChange("x", "1.00", "1.02"));
        assertThat(diff(dir, left, right, KEY_ID).file().modified()).isEqualTo(5);
    }

    @Test
    void raggedRowsAreReadPaddedAndWarnedAbout() {
        var r = diff(dir, "id,a,b\n1,x\n2,y,z,extra\n3,p,q\n", "id,a,b\n1,x,\n2,y,z\n3,p,Q\n", KEY_ID);
        assertThat(r.deltas()).containsExactly(modified(List.of("3"), 3, 3, List.of(new CellChange("b", "q", "Q")),
                List.of("3", "p", "q"), List.of("3", "p", "Q")));
        assertThat(r.file().warnings()).singleElement().asString()
                .startsWith("left: 2 row(s) do not have the header's 3 cells (first: data row 1 has 2)");
    }

    @Test
    void aMissingKeyColumnFailsTheFile() {
        var r = diff(dir, "id,v\n1,a\n", "key,v\n1,a\n", KEY_ID);
        assertThat(r.file().status()).isEqualTo(FileStatus.FAILED);
        assertThat(r.file().error()).isEqualTo("key column 'id' is missing on the right");
        assertThat(r.deltas()).isEmpty();
    }

    @Test
    void duplicateKeysWarnAndMatchAsAMultisetWithinTheKey() {
        var r = diff(dir, "id,v\n1,a\n1,b\n2,c\n", "id,v\n1,b\n2,c\n1,z\n", KEY_ID);
        assertThat(r.deltas()).containsExactly(removed(List.of("1"), 1, List.of("1", "a")),
                added(List.of("1"), 3, List.of("1", "z")));
        assertThat(r.file().unchanged()).isEqualTo(2);
        assertThat(r.file().warnings()).containsExactly(
                "left: 1 key value(s) occur on more than one row (first: id='1' in data rows 1 and 2); rows sharing"
                        + " a key are matched as a multiset within the key",
                "right: 1 key value(s) occur on more than one row (first: id='1' in data rows 1 and 3); rows sharing"
                        + " a key are matched as a multiset within the key");
    }

    @Test
    void noSharedColumnFails() {
        var r = diff(dir, "a\n1\n", "b\n1\n", DiffOptions.defaults());
        assertThat(r.file().status()).isEqualTo(FileStatus.FAILED);
        assertThat(r.file().error()).startsWith("no column to compare");
    }

    @Test
    void identicalFilesAreFullySimilar() {
        var r = diff(dir, "id,v\n1,a\n", "id,v\n1,a\n", DiffOptions.defaults());
        assertThat(r.deltas()).isEmpty();
        assertThat(r.file().similarity()).isEqualTo(1.0);
    }

    @Test
    void optionsRejectContradictions() {
        assertThatThrownBy(() -> KEY_ID.withKeyless(true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KEY_ID.withOrdered(true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KEY_ID.withIgnoreColumns(Set.of("id"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KEY_ID.withNumericTolerance(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
