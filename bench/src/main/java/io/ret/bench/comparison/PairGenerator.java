package io.ret.bench.comparison;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a keyed pair of CSV files: {@code id} plus 9 value columns, about 1% of rows modified
 * (one cell), 0.5% removed and 0.5% added, each side in its own random order. Cell values are a
 * function of (id, column), so no rows need to be held in memory, even for 10 million rows.
 */
public final class PairGenerator {
    /** The changes the generator made, to check both tools against. */
    public record Expected(long added, long removed, long modified) {
    }

    private PairGenerator() {
    }

    public static Expected write(Path left, Path right, int rows, long seed) throws IOException {
        int addedRows = rows / 200;
        long removed = 0, modified = 0;
        int[] leftOrder = permutation(rows, seed);
        int kept = 0;
        int[] rightIds = new int[rows + addedRows];
        for (int id = 0; id < rows; id++) {
            int fate = fate(id);
            if (fate < 5) {
                removed++;
            } else {
                rightIds[kept++] = id;
                modified += fate < 15 ? 1 : 0;
            }
        }
        for (int i = 0; i < addedRows; i++) {
            rightIds[kept++] = rows + i;
        }
        int[] rightOrder = permutation(kept, seed + 1);
        try (BufferedWriter l = Files.newBufferedWriter(left, StandardCharsets.UTF_8);
             BufferedWriter r = Files.newBufferedWriter(right, StandardCharsets.UTF_8)) {
            String header = "id,c1,c2,c3,c4,c5,c6,c7,c8,c9\n";
            l.write(header);
            r.write(header);
            StringBuilder line = new StringBuilder(128);
            for (int i : leftOrder) {
                l.write(row(line, i, false));
            }
            for (int i : rightOrder) {
                int id = rightIds[i];
                r.write(row(line, id, id < rows && fate(id) < 15));
            }
        }
        return new Expected(addedRows, removed, modified);
    }

    /** 0..999 per id: below 5 removed, 5..14 modified. */
    private static int fate(int id) {
        return (int) Long.remainderUnsigned(mix(id * 0x9E3779B97F4A7C15L), 1000);
    }

    private static String row(StringBuilder line, int id, boolean modified) {
        line.setLength(0);
        line.append(id);
        int changed = modified ? 1 + (int) Long.remainderUnsigned(mix(id + 17L), 9) : -1;
        for (int c = 1; c <= 9; c++) {
            line.append(",v").append(Long.remainderUnsigned(mix(id * 31L + c), 10_000_000L));
            if (c == changed) {
                line.append('m');
            }
        }
        return line.append('\n').toString();
    }

    private static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
