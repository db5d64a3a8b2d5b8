package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grace-hash path (forced with a tiny budget) must give the in-memory result; cancellation cleans up. */
class SpillTest {
    private static final long TINY_BUDGET = 64 << 10;
    private static final Path OPEN_FILES = Path.of("/proc/self/fd");
    private static final Comparator<RowDelta> BY_ROWS = Comparator.comparing((RowDelta d) -> d.type())
            .thenComparingLong(RowDelta::leftRow).thenComparingLong(RowDelta::rightRow);

    @TempDir
    Path dir;

    @Test
    void keyedSpillEqualsInMemory() {
        pair(20_000, true);
        sameResultSpilledAndInMemory(DiffOptions.defaults().withKeyColumns(List.of("id")));
    }

    @Test
    void keylessSpillEqualsInMemory() {
        pair(20_000, true);
        sameResultSpilledAndInMemory(DiffOptions.defaults().withKeyless(true));
    }

    @Test
    void detectedKeyFallbackSpillEqualsInMemory() {
        pair(20_000, true); // repeated ids: the detected key is refused after spilling
        var spilled = sameResultSpilledAndInMemory(DiffOptions.defaults());
        assertThat(spilled.keyColumns()).isEmpty();
        pair(20_000, false);
        assertThat(sameResultSpilledAndInMemory(DiffOptions.defaults()).keyColumns()).containsExactly("id");
    }

    @Test
    void orderedModeOverTheBudgetFailsClearly() {
        pair(20_000, false);
        FileDiff f = CsvDiffEngine.diff(dir.resolve("l.csv"), dir.resolve("r.csv"), "t.csv",
                DiffOptions.defaults().withOrdered(true).withMemoryBudgetBytes(TINY_BUDGET).withWorkDir(dir),
                DeltaSink.discard(), DiffProgress.NONE);
        assertThat(f.status()).isEqualTo(FileStatus.FAILED);
        assertThat(f.error()).contains("ordered comparison needs more than the memory budget");
    }

    @Test
    void cancellationStopsWithItsOwnExceptionAndRemovesTemporaryFiles() throws IOException {
        pair(50_000, false);
        Path work = Files.createDirectory(dir.resolve("work"));
        // UTF-16 on the right makes a transcoded temporary file as well as spill files
        Path right16 = dir.resolve("r16.csv");
        byte[] text = Files.readString(dir.resolve("r.csv")).getBytes(StandardCharsets.UTF_16LE);
        byte[] withBom = new byte[text.length + 2];
        withBom[0] = (byte) 0xFF;
        withBom[1] = (byte) 0xFE;
        System.arraycopy(text, 0, withBom, 2, text.length);
        Files.write(right16, withBom);
        AtomicLong rows = new AtomicLong();
        DiffProgress cancelMidway = new DiffProgress() {
            @Override
            public void rowsProcessed(long delta) {
                rows.addAndGet(delta);
            }

            @Override
            public boolean cancelled() {
                return rows.get() > 40_000;
            }
        };
        DiffOptions options = DiffOptions.defaults().withMemoryBudgetBytes(TINY_BUDGET).withWorkDir(work);
        assertThatThrownBy(() -> CsvDiffEngine.diff(dir.resolve("l.csv"), right16, "t.csv", options,
                DeltaSink.discard(), cancelMidway)).isInstanceOf(DiffCancelledException.class);
        assertThat(rows.get()).isLessThan(100_000);
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void progressCountsEveryRowOfBothSides() {
        pair(30_000, false);
        AtomicLong rows = new AtomicLong();
        FileDiff f = CsvDiffEngine.diff(dir.resolve("l.csv"), dir.resolve("r.csv"), "t.csv",
                DiffOptions.defaults().withWorkDir(dir), DeltaSink.discard(), new DiffProgress() {
                    @Override
                    public void rowsProcessed(long delta) {
                        rows.addAndGet(delta);
                    }

                    @Override
                    public boolean cancelled() {
                        return false;
                    }
                });
        assertThat(rows.get()).isEqualTo(f.rowsLeft() + f.rowsRight());
    }

    /** Runs in memory and with a tiny budget; asserts spill files existed and both results agree. */
    private FileDiff sameResultSpilledAndInMemory(DiffOptions options) {
        List<RowDelta> inMemory = new ArrayList<>();
        FileDiff memory = CsvDiffEngine.diff(dir.resolve("l.csv"), dir.resolve("r.csv"), "t.csv",
                options.withWorkDir(dir), inMemory::add, DiffProgress.NONE);
        List<RowDelta> spilledDeltas = new ArrayList<>();
        AtomicBoolean sawSpillFiles = new AtomicBoolean();
        FileDiff spilled = CsvDiffEngine.diff(dir.resolve("l.csv"), dir.resolve("r.csv"), "t.csv",
                options.withWorkDir(dir).withMemoryBudgetBytes(TINY_BUDGET), d -> {
                    if (spilledDeltas.isEmpty()) {
                        sawSpillFiles.set(hasSpillFiles());
                    }
                    spilledDeltas.add(d);
                }, DiffProgress.NONE);
        assertThat(memory.status()).isEqualTo(FileStatus.MATCHED);
        assertThat(memory.modified() + memory.added() + memory.removed()).isGreaterThan(100);
        if (Files.isDirectory(OPEN_FILES)) { // Linux: check the tiny budget really spilled
            assertThat(sawSpillFiles).isTrue();
        }
        assertThat(spilled).isEqualTo(memory);
        assertThat(sorted(spilledDeltas)).isEqualTo(sorted(inMemory));
        assertThat(hasSpillFiles()).isFalse();
        return spilled;
    }

    /** Spill files are unlinked as soon as they are opened, so look for them among open descriptors (Linux). */
    private static boolean hasSpillFiles() {
        if (!Files.isDirectory(OPEN_FILES)) {
            return false;
        }
        try (Stream<Path> descriptors = Files.list(OPEN_FILES)) {
            return descriptors.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains(".spill");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<RowDelta> sorted(List<RowDelta> deltas) {
        return deltas.stream().sorted(BY_ROWS).toList();
    }

    /** A keyed pair with about 2% changed, 1% removed, 1% added rows, shuffled; optionally repeated ids. */
    private void pair(int rows, boolean repeatedIds) {
        Random random = new Random(42);
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int id = repeatedIds && i % 97 == 0 ? i / 2 : i;
            String row = id + ",name" + (i % 50) + "," + random.nextInt(1000) + ",\"t, " + (i % 7) + "\"";
            left.add(row);
            double dice = random.nextDouble();
            if (dice < 0.01) {
                continue;
            }
            right.add(dice < 0.03 ? row.replace(",name", ",NAME") : row);
        }
        for (int i = 0; i < rows / 100; i++) {
            right.add((rows + i) + ",new,1,x");
        }
        java.util.Collections.shuffle(left, random);
        java.util.Collections.shuffle(right, random);
        Diffs.write(dir, "l.csv", "id,name,n,t\n" + String.join("\n", left) + "\n");
        Diffs.write(dir, "r.csv", "id,name,n,t\n" + String.join("\n", right) + "\n");
    }
}
