package io.ret.server.comparison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-check against daff, the reference tabular diff, on a generated 100k-row keyed pair: the
 * keys added, removed and modified must be the same. Needs daff: {@code npm install daff@1.4.2}
 * in the repository root (node_modules is git-ignored), or RET_DAFF pointing at a daff
 * executable. Skipped when neither is there.
 */
class DaffCrossCheckTest {
    private static final int ROWS = 100_000;

    @TempDir
    Path dir;

    @Test
    void keyedChangesAgreeWithDaff() throws Exception {
        Path daff = findDaff();
        assumeTrue(daff != null, "daff not installed (npm install daff@1.4.2 in the repository root, or set RET_DAFF)");
        Path left = dir.resolve("left.csv");
        Path right = dir.resolve("right.csv");
        generate(left, right);

        Set<String> ourAdded = new TreeSet<>(), ourRemoved = new TreeSet<>(), ourModified = new TreeSet<>();
        FileDiff f = CsvDiffEngine.diff(left, right, "t.csv",
                DiffOptions.defaults().withKeyColumns(List.of("id")).withWorkDir(dir), d -> {
                    (switch (d.type()) {
                        case ADDED -> ourAdded;
                        case REMOVED -> ourRemoved;
                        case MODIFIED -> ourModified;
                    }).add(d.key().getFirst());
                }, DiffProgress.NONE);

        DaffChanges daffChanges = runDaff(daff, left, right, dir);
        Set<String> daffAdded = daffChanges.added(), daffRemoved = daffChanges.removed(),
                daffModified = daffChanges.modified();
        assertThat(daffAdded).hasSizeGreaterThan(100);
        assertThat(List.of(f.added(), f.removed(), f.modified()))
                .containsExactly((long) daffAdded.size(), (long) daffRemoved.size(), (long) daffModified.size());
        assertThat(ourAdded).isEqualTo(daffAdded);
        assertThat(ourRemoved).isEqualTo(daffRemoved);
        assertThat(ourModified).isEqualTo(daffModified);
    }

    /** The ids daff reports as added, removed and modified. */
    record DaffChanges(Set<String> added, Set<String> removed, Set<String> modified) {
    }

    /** Runs daff keyed on {@code id} over the pair (unordered, no context) and reads its highlighter output. */
    static DaffChanges runDaff(Path daff, Path left, Path right, Path dir) throws Exception {
        Path out = dir.resolve("daff.csv");
        Process process = new ProcessBuilder(daff.toString(), "--no-color", "--id", "id", "--unordered",
                "--context", "0", "--output", out.toString(), left.toString(), right.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("daff.log").toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("daff finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("daff.log"))).isZero();
        DaffChanges changes = new DaffChanges(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        for (String line : Files.readAllLines(out)) {
            String[] cells = line.split(",", -1);
            switch (cells[0]) {
                case "+++" -> changes.added().add(cells[1]);
                case "---" -> changes.removed().add(cells[1]);
                default -> {
                    if (cells[0].contains("->")) {
                        changes.modified().add(cells[1]);
                    }
                }
            }
        }
        return changes;
    }

    /** 10 columns, ~1% modified, 0.5% removed, 0.5% added, both sides shuffled. */
    static void generate(Path left, Path right) throws IOException {
        Random random = new Random(7);
        List<String> l = new ArrayList<>(ROWS);
        List<String> r = new ArrayList<>(ROWS);
        for (int i = 0; i < ROWS; i++) {
            StringBuilder row = new StringBuilder().append(i);
            for (int c = 1; c < 10; c++) {
                row.append(',').append("v").append(random.nextInt(100_000));
            }
            l.add(row.toString());
            double dice = random.nextDouble();
            if (dice < 0.005) {
                continue;
            }
            r.add(dice < 0.015 ? row.append('x').toString() : row.toString());
        }
        for (int i = 0; i < ROWS / 200; i++) {
            r.add((ROWS + i) + ",a,b,c,d,e,f,g,h,i");
        }
        Collections.shuffle(l, random);
        Collections.shuffle(r, random);
        String header = "id,c1,c2,c3,c4,c5,c6,c7,c8,c9\n";
        Files.writeString(left, header + String.join("\n", l) + "\n");
        Files.writeString(right, header + String.join("\n", r) + "\n");
    }

    static Path findDaff() {
        String configured = System.getenv("RET_DAFF");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("node_modules/.bin/daff");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
