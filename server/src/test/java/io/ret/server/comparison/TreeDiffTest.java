package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDiffTest {
    @TempDir
    Path dir;

    @Test
    void filesArePairedByRelativePath() throws IOException {
        Diffs.write(dir, "l/a.csv", "id,v\n1,a\n2,b\n");
        Diffs.write(dir, "r/a.csv", "id,v\n1,a\n2,B\n");
        Diffs.write(dir, "l/sub/gone.csv", "id\n1\n2\n3\n");
        Diffs.write(dir, "r/sub/new.csv", "id\n1\n");
        Diffs.write(dir, "r/.hidden/x.csv", "id\n1\n");
        Diffs.write(dir, "l/bad.csv", "id,v\n1,a\n");
        Diffs.write(dir, "r/bad.csv", "other\n1\n");
        List<RowDelta> deltas = new ArrayList<>();
        DiffSummary s = TreeDiff.diff(dir.resolve("l"), dir.resolve("r"), FileMatch.RELATIVE_PATH,
                DiffOptions.defaults().withWorkDir(dir), deltas::add, DiffProgress.NONE);
        assertThat(s.files()).extracting(FileDiff::path, FileDiff::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a.csv", FileStatus.MATCHED),
                org.assertj.core.groups.Tuple.tuple("bad.csv", FileStatus.FAILED),
                org.assertj.core.groups.Tuple.tuple("sub/gone.csv", FileStatus.REMOVED),
                org.assertj.core.groups.Tuple.tuple("sub/new.csv", FileStatus.ADDED));
        assertThat(List.of(s.filesTotal(), s.filesMatched(), s.filesAdded(), s.filesRemoved(), s.filesFailed()))
                .containsExactly(4, 1, 1, 1, 1);
        assertThat(List.of(s.rowsAdded(), s.rowsRemoved(), s.rowsModified(), s.rowsUnchanged()))
                .containsExactly(1L, 3L, 1L, 1L);
        assertThat(s.averageSimilarity()).isEqualTo((0.5 + 0 + 0) / 3);
        assertThat(deltas).singleElement().extracting(RowDelta::file).isEqualTo("a.csv");
    }

    @Test
    void filesArePairedByNameAndAmbiguousNamesFail() throws IOException {
        Diffs.write(dir, "l/x/a.csv", "id\n1\n");
        Diffs.write(dir, "r/y/a.csv", "id\n1\n");
        Diffs.write(dir, "l/p/dup.csv", "id\n1\n");
        Diffs.write(dir, "l/q/dup.csv", "id\n1\n");
        Diffs.write(dir, "r/dup.csv", "id\n1\n");
        DiffSummary s = TreeDiff.diff(dir.resolve("l"), dir.resolve("r"), FileMatch.FILE_NAME,
                DiffOptions.defaults().withWorkDir(dir), DeltaSink.discard(), DiffProgress.NONE);
        assertThat(s.files()).extracting(FileDiff::path).containsExactly("a.csv", "dup.csv");
        assertThat(s.files().get(0).status()).isEqualTo(FileStatus.MATCHED);
        assertThat(s.files().get(1).status()).isEqualTo(FileStatus.FAILED);
        assertThat(s.files().get(1).error()).isEqualTo("ambiguous file name: left has p/dup.csv, q/dup.csv; right has dup.csv");
    }

    @Test
    void noFilesMeansFullySimilar() {
        assertThat(DiffSummary.of(List.of()).averageSimilarity()).isEqualTo(1.0);
    }
}
