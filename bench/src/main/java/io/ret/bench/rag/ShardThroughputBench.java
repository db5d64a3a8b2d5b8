package io.ret.bench.rag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.ret.server.job.shard.Shard;
import io.ret.server.platform.config.Settings;
import io.ret.server.rag.ChunkSource;
import io.ret.server.rag.RagConfig;
import io.ret.server.rag.RagEngine;
import io.ret.server.rag.SessionIndexer;

/**
 * What one pod of a sharded IndexJob does, timed: the bundled model embeds and Lucene stores the
 * chunks of shard 0 of N (every pod still reads all rows, to number the chunks), for N = 1 (the
 * whole job in one pod, the baseline), 2, 4 and 8. Pods of a real Job run on cores of their own,
 * so the job's time with N pods is about one shard's time (the shards are equal); on this shared
 * 2-core machine the shards are therefore timed one at a time, not run together.
 *
 * <p>Args: rows (default 2000), repetitions per N (default 3). Prints the median per N.
 */
public final class ShardThroughputBench {
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path runtime = Files.createTempDirectory("shard-bench");
        Path outputs = Files.createDirectories(runtime.resolve("session"));
        StringBuilder csv = new StringBuilder("order_id,customer,city,status,product,quantity\n");
        for (int i = 0; i < rows; i++) {
            csv.append("ORD-").append(100000 + i).append(',')
                    .append(BenchData.FIRST[i % BenchData.FIRST.length]).append(' ')
                    .append(BenchData.LAST[(i / 7) % BenchData.LAST.length]).append(',')
                    .append(BenchData.CITIES[i % BenchData.CITIES.length]).append(',')
                    .append(BenchData.STATUS[i % BenchData.STATUS.length]).append(',')
                    .append(BenchData.PRODUCTS[i % BenchData.PRODUCTS.length]).append(',')
                    .append(1 + i % 40).append('\n');
        }
        Files.writeString(outputs.resolve("orders.csv"), csv);
        List<Path> files = List.of(Path.of("orders.csv"));
        // no embedding cache: every repetition embeds every chunk
        RagConfig config = RagConfig.from(new Settings(Config.just(ConfigSources.create(Map.of(
                "ret.rag.embedding.cache.enabled", "false")))), runtime);
        double[] load = loadAverage();
        System.out.printf("rows %d, repetitions %d, cores %d, load average at start %.2f %.2f %.2f%n",
                rows, repetitions, Runtime.getRuntime().availableProcessors(), load[0], load[1], load[2]);
        try (RagEngine rag = RagEngine.open(config, runtime, Optional.empty())) {
            SessionIndexer indexer = rag.indexer();
            ChunkSource source = rag.source("bench", "s1");
            System.out.println("model " + rag.embeddings().name());
            indexer.clear(source);
            indexer.indexShard(source, outputs, files, SessionIndexer.Progress.NONE, new Shard(0, 8)); // warm up
            long planStart = System.nanoTime();
            long total = indexer.plan(source, outputs, files).chunks();
            double planSeconds = (System.nanoTime() - planStart) / 1e9;
            System.out.printf("chunks %d; reading and chunking every row (no embedding): %.2f s%n", total, planSeconds);
            System.out.println("| shards (pods) | chunks per pod | pod time s (median) | per-pod chunks/s | job time s if pods run at once |"
                    + " speed-up vs 1 pod |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            double baseline = 0;
            for (int count : new int[] {1, 2, 4, 8}) {
                List<Double> seconds = new ArrayList<>();
                long chunks = 0;
                for (int r = 0; r < repetitions; r++) {
                    indexer.clear(source);
                    long start = System.nanoTime();
                    chunks = indexer.indexShard(source, outputs, files, SessionIndexer.Progress.NONE, new Shard(0, count)).chunks();
                    seconds.add((System.nanoTime() - start) / 1e9);
                }
                Collections.sort(seconds);
                double median = seconds.get(seconds.size() / 2);
                if (count == 1) {
                    baseline = median;
                }
                System.out.printf("| %d | %d | %.2f | %.1f | %.2f | %.2fx |%n", count, chunks, median, chunks / median,
                        median, baseline / median);
            }
        }
        load = loadAverage();
        System.out.printf("load average at end %.2f %.2f %.2f%n", load[0], load[1], load[2]);
    }

    private static double[] loadAverage() throws java.io.IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
    }
}
