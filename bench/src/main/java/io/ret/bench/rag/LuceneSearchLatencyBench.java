package io.ret.bench.rag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.ret.server.rag.Chunk;
import io.ret.server.rag.Scope;
import io.ret.server.rag.embed.Vectors;
import io.ret.server.rag.store.LuceneVectorStore;
import io.ret.server.rag.store.VectorStore.EmbeddedChunk;

/**
 * Search latency over N chunks (default 100k) in the Lucene store: random unit
 * 384-dim vectors (embedding 100k chunks with MiniLM would take far longer than the
 * search being measured) and generated order rows as text; 20 owners so the
 * owner filter is selective. Usage: LuceneSearchLatencyBench [chunks=100000] [queries=1000]
 */
public final class LuceneSearchLatencyBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int dims = 384;
        int owners = 20;
        Random r = new Random(3);
        BenchData data = new BenchData(n, 500, 5);
        Path dir = Files.createTempDirectory("ret-rag-latency");
        try (var store = LuceneVectorStore.open(dir)) {
            store.ensureCollection("bench", dims);
            long start = System.nanoTime();
            List<EmbeddedChunk> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                var o = data.orders.get(i);
                String text = "order_id,customer,city,status,amount,sku\n"
                        + String.join(",", o.id(), o.customer(), o.city(), o.status(), o.amount(), o.sku());
                String owner = "owner" + (i % owners);
                batch.add(new EmbeddedChunk(new Chunk(Chunk.idOf("bench", "s", "f.csv", i + 1, i + 1, 0), "bench", owner, "s",
                        "f.csv", i + 1, i + 1, text), random(r, dims)));
                if (batch.size() == 5000) {
                    store.upsert(batch);
                    batch.clear();
                }
            }
            store.upsert(batch);
            System.out.printf("loaded %d chunks in %.1f s%n", n, (System.nanoTime() - start) / 1e9);

            Scope scope = new Scope("owner3", "bench");
            for (int i = 0; i < 200; i++) { // warm-up
                store.searchDense(scope, random(r, dims), 20);
                store.searchKeyword(scope, "status of order " + data.orders.get(r.nextInt(n)).id(), 20);
            }
            List<Double> dense = new ArrayList<>();
            List<Double> keyword = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                float[] q = random(r, dims);
                long t0 = System.nanoTime();
                store.searchDense(scope, q, 20);
                long t1 = System.nanoTime();
                store.searchKeyword(scope, "what is the status of order " + data.orders.get(r.nextInt(n)).id() + "?", 20);
                long t2 = System.nanoTime();
                dense.add((t1 - t0) / 1e6);
                keyword.add((t2 - t1) / 1e6);
            }
            report("dense kNN (k=20, owner filter 1/" + owners + ")", dense);
            report("BM25 keyword (k=20, owner filter)", keyword);
            List<Double> both = new ArrayList<>();
            for (int i = 0; i < dense.size(); i++) {
                both.add(dense.get(i) + keyword.get(i));
            }
            report("hybrid = dense + keyword (store part, no embedding)", both);
        }
    }

    static void report(String what, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        System.out.printf("%-52s p50=%.2f ms  p99=%.2f ms  max=%.2f ms%n", what,
                BenchData.percentile(sorted, 50), BenchData.percentile(sorted, 99), sorted.getLast());
    }

    static float[] random(Random r, int dims) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Vectors.normalize(v);
    }
}
