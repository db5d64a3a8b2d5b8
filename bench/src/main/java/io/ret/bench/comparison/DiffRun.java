package io.ret.bench.comparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.ret.server.comparison.CsvDiffEngine;
import io.ret.server.comparison.DiffOptions;
import io.ret.server.comparison.DiffProgress;
import io.ret.server.comparison.FileDiff;

/**
 * Timed RET comparisons in a fresh JVM, started by {@link DiffBenchmark}:
 * {@code DiffRun LEFT RIGHT BUDGET_MB WORKDIR [TIMES]}. Compares TIMES times (default 1) and
 * prints one line per comparison: {@code RESULT engineMillis added removed modified peakRssKb cpuMillis},
 * the peak RSS being this process's VmHWM and the CPU time (all threads) this process's so far. Later lines show a warmed-up JVM, as in the
 * server.
 */
public final class DiffRun {
    private DiffRun() {
    }

    public static void main(String[] args) throws IOException {
        DiffOptions options = DiffOptions.defaults().withKeyColumns(List.of("id"))
                .withMemoryBudgetBytes(Long.parseLong(args[2]) << 20).withWorkDir(Path.of(args[3]));
        int times = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            FileDiff result = CsvDiffEngine.diff(Path.of(args[0]), Path.of(args[1]), "bench.csv", options,
                    delta -> { }, DiffProgress.NONE);
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (result.error() != null) {
                throw new IllegalStateException(result.error());
            }
            long cpuMillis = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
            System.out.printf("RESULT %d %d %d %d %d %d%n", millis, result.added(), result.removed(), result.modified(),
                    peakRssKb(), cpuMillis);
        }
    }

    static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
