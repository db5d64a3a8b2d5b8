package io.ret.bench.rag;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

import io.ret.server.rag.Chunk;
import io.ret.server.rag.ChunkSource;
import io.ret.server.rag.Scope;
import io.ret.server.rag.SessionIndexer;
import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.OnnxEmbeddingModel;
import io.ret.server.rag.retrieve.HybridRetriever;
import io.ret.server.rag.retrieve.RetrievalMode;
import io.ret.server.rag.store.LuceneVectorStore;

/**
 * Recall@5 of dense-only and hybrid retrieval on generated orders and products, with
 * questions whose answering row is known; also the MiniLM indexing throughput.
 * Usage: RetrievalEvalBench [orders=2000] [products=300]
 */
public final class RetrievalEvalBench {
    record Question(String kind, String text, Predicate<Chunk> answers) {}

    public static void main(String[] args) throws Exception {
        int orderCount = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int productCount = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        BenchData data = new BenchData(orderCount, productCount, 7);
        Path dir = Files.createTempDirectory("ret-rag-eval");
        try (var model = OnnxEmbeddingModel.open(dir, Runtime.getRuntime().availableProcessors());
             var store = LuceneVectorStore.open(dir.resolve("index"))) {
            store.ensureCollection("eval", model.dimensions());
            var indexer = new SessionIndexer(new CsvChunker(), model, store, 64);
            var source = new ChunkSource("eval", "owner", "s1");
            model.embed(List.of("warm up the model"));
            long start = System.nanoTime();
            long chunks = indexer.indexFile(source, "orders.csv", new StringReader(data.ordersCsv()))
                    + indexer.indexFile(source, "products.csv", new StringReader(data.productsCsv()));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("indexing: %d chunks (%d order rows, %d product rows) in %.1f s = %.1f chunks/s%n",
                    chunks, orderCount, productCount, seconds, chunks / seconds);

            List<Question> questions = questions(data, new Random(11));
            var retriever = new HybridRetriever(model, store, HybridRetriever.Settings.defaults());
            Scope scope = source.scope();
            for (String kind : List.of("identifier", "descriptive", "all")) {
                List<Question> subset = questions.stream().filter(q -> kind.equals("all") || q.kind().equals(kind)).toList();
                System.out.printf("%-12s n=%3d  recall@5 dense=%.3f  hybrid=%.3f  keyword=%.3f%n", kind, subset.size(),
                        recall(retriever, scope, subset, RetrievalMode.DENSE),
                        recall(retriever, scope, subset, RetrievalMode.HYBRID),
                        recall(retriever, scope, subset, RetrievalMode.KEYWORD));
            }
        }
    }

    static double recall(HybridRetriever retriever, Scope scope, List<Question> questions, RetrievalMode mode) {
        int found = 0;
        for (Question q : questions) {
            if (retriever.retrieve(scope, q.text(), mode).context().stream().anyMatch(q.answers())) {
                found++;
            }
        }
        return (double) found / questions.size();
    }

    static List<Question> questions(BenchData data, Random r) {
        List<Question> out = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            var o = data.orders.get(r.nextInt(data.orders.size()));
            Predicate<Chunk> row = c -> c.text().contains(o.id() + ",");
            out.add(new Question("identifier", switch (i % 4) {
                case 0 -> "what is the status of order " + o.id() + "?";
                case 1 -> "How much was " + o.id() + "?";
                case 2 -> "Which city did order " + o.id() + " ship to?";
                default -> "who placed " + o.id();
            }, row));
        }
        for (int i = 0; i < 20; i++) {
            var p = data.products.get(r.nextInt(data.products.size()));
            out.add(new Question("identifier", i % 2 == 0 ? "What is the price of " + p.sku() + "?"
                    : "how many " + p.sku() + " are in stock", c -> c.text().contains(p.sku() + "," + p.name())));
        }
        for (int i = 0; i < 30; i++) {
            var o = data.orders.get(r.nextInt(data.orders.size()));
            Predicate<Chunk> row = c -> c.text().contains(o.id() + "," + o.customer() + "," + o.city());
            out.add(new Question("descriptive", i % 2 == 0
                    ? "Which orders did " + o.customer() + " from " + o.city() + " place?"
                    : "Show the " + o.status() + " order of " + o.customer() + " in " + o.city(), row));
        }
        return out;
    }
}
