package io.ret.bench.rag;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.ret.api.v1.ChatRequest;
import io.ret.api.v1.ChatResponse;
import io.ret.api.v1.Collection;
import io.ret.api.v1.ConversionOptions;
import io.ret.api.v1.CreateCollectionRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobState;
import io.ret.api.v1.RagServiceGrpc;
import io.ret.api.v1.RetrievalMode;
import io.ret.api.v1.RetrievalOptions;
import io.ret.api.v1.SearchHit;
import io.ret.api.v1.SearchRequest;
import io.ret.api.v1.Session;
import io.ret.api.v1.StartIndexingRequest;
import io.ret.bench.rag.EvalDomains.Domain;
import io.ret.bench.rag.EvalDomains.Kind;
import io.ret.bench.rag.EvalDomains.Question;
import io.ret.server.platform.embedded.EmbeddedRedis;
import io.ret.server.rag.ChunkSource;
import io.ret.server.rag.TableLayout;
import io.ret.server.rag.chunk.CsvChunker;
import io.ret.server.rag.embed.OnnxEmbeddingModel;
import io.ret.server.session.archive.ZipBytes;
import io.ret.server.testing.SessionClient;
import io.ret.server.testing.TestEngines;
import io.ret.server.testing.TestServer;
import redis.clients.jedis.JedisPooled;

/**
 * Retrieval quality and indexing speed end to end, through the gRPC API of a real server
 * (embedded MariaDB, a fresh redis so the embedding cache starts cold, Lucene on disk):
 * generated XML (two domains, {@link EvalDomains}) is uploaded, converted by the real
 * converter, indexed by StartIndexing, then every question is asked through Search
 * (recall@5 per mode) and Chat (exact-answer rate per mode). Indexing throughput is set
 * against the bare embedding model on the same chunk texts, in the same JVM, right after.
 *
 * <p>Usage: RagEvalBench [records=400] [seed=1] [questionsPerClass=24] [models=minilm,bge_small]
 */
public final class RagEvalBench {
    private static final List<RetrievalMode> MODES = List.of(RetrievalMode.RETRIEVAL_MODE_DENSE,
            RetrievalMode.RETRIEVAL_MODE_KEYWORD, RetrievalMode.RETRIEVAL_MODE_HYBRID);
    private static final int REPEATS = 3;
    private static final Pattern NUMBER = Pattern.compile("-?\\d[\\d,]*(?:\\.\\d+)?");
    private static final Pattern QUOTED_ROW = Pattern.compile("^- \\S+ rows? \\d+.*$", Pattern.MULTILINE);

    private record Score(int n, int hits, int exact) {
        Score plus(boolean hit, boolean right) {
            return new Score(n + 1, hits + (hit ? 1 : 0), exact + (right ? 1 : 0));
        }
    }

    private record Throughput(String domain, long rows, long chunks, double endToEndSeconds, double bareSeconds,
                              long workTotalAtStart, boolean etaSeen) {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int perKind = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        List<String> models = List.of((args.length > 3 ? args[3] : "minilm,bge_small").split(","));
        System.out.printf("load average at start: %s%n", loadAverage());
        List<Domain> domains = List.of(EvalDomains.staff(records, seed, perKind), EvalDomains.catalogue(records, seed, perKind));
        int status = 1;
        try {
            for (String model : models) {
                run(model, domains);
            }
            status = 0;
        } catch (RuntimeException e) {
            e.printStackTrace(); // System.exit below would otherwise swallow it
        } finally {
            System.out.printf("load average at end: %s%n", loadAverage());
            System.exit(status); // the server's engines would otherwise keep the JVM alive after a failure
        }
    }

    private static void run(String model, List<Domain> domains) throws Exception {
        System.out.printf("%n== model %s ==%n", model);
        try (EmbeddedRedis redis = TestEngines.newRedis("rag-eval-" + UUID.randomUUID());
             TestServer server = TestServer.builder().redis(redis.url())
                     .set("ret.rag.embedding.provider", model).start()) {
            SessionClient user = newUser(server);
            List<Throughput> speed = new ArrayList<>();
            Map<String, Score> scores = new TreeMap<>();
            for (Domain domain : domains) {
                Session session = user.upload(domain.xmlFile().replace(".xml", ".zip"),
                        ZipBytes.zip(Map.of(domain.xmlFile(), domain.xml())));
                Job converted = user.await(user.startConversion(session.getId(), ConversionOptions.getDefaultInstance()).getId());
                require(converted.getState() == JobState.JOB_STATE_SUCCEEDED, "conversion failed: " + converted.getError());
                var rag = TestServer.bearer(RagServiceGrpc.newBlockingStub(server.channel()), user.token());
                Collection collection = rag.withDeadlineAfter(60, TimeUnit.SECONDS).createCollection(
                        CreateCollectionRequest.newBuilder().setName(domain.name()).build());
                // the first search loads the model, so indexing is timed warm
                rag.withDeadlineAfter(120, TimeUnit.SECONDS).search(SearchRequest.newBuilder()
                        .setCollectionId(collection.getId()).setQuery("warm up").build());
                speed.add(index(server, user, rag, session, collection, domain, model, redis.url()));
                for (Question q : domain.questions()) {
                    for (RetrievalMode mode : MODES) {
                        boolean hit = recalled(rag, collection, q, mode);
                        String answer = answer(rag, collection, q, mode);
                        boolean right = answered(q, answer);
                        if (!hit || !right) {
                            System.out.printf("miss %s %s %s recalled=%s exact=%s: %s [expected %s] -> %s%n", model, q.kind(),
                                    mode.name().replace("RETRIEVAL_MODE_", ""), hit, right, q.text(), q.expected(),
                                    answer.lines().findFirst().orElse("").replaceAll("\\s+", " "));
                        }
                        scores.merge(key(q.kind(), mode), new Score(1, hit ? 1 : 0, right ? 1 : 0),
                                (a, b) -> new Score(a.n() + b.n(), a.hits() + b.hits(), a.exact() + b.exact()));
                        scores.merge(key(q.domain(), q.kind(), mode), new Score(1, hit ? 1 : 0, right ? 1 : 0),
                                (a, b) -> new Score(a.n() + b.n(), a.hits() + b.hits(), a.exact() + b.exact()));
                    }
                }
            }
            report(model, scores, speed);
        }
    }

    /** Every state of a job until it ends; indexing on a loaded machine can take longer than SessionClient's 2 minutes. */
    private static List<Job> watch(TestServer server, SessionClient user, String jobId) {
        List<Job> states = new ArrayList<>();
        TestServer.bearer(io.ret.api.v1.JobServiceGrpc.newBlockingStub(server.channel()), user.token())
                .withDeadlineAfter(30, TimeUnit.MINUTES)
                .watchJob(io.ret.api.v1.WatchJobRequest.newBuilder().setJobId(jobId).build())
                .forEachRemaining(states::add);
        return states;
    }

    /** The first sign-in right after start can outlast its deadline on a loaded machine: try again. */
    private static SessionClient newUser(TestServer server) {
        for (int attempt = 1; ; attempt++) {
            try {
                return SessionClient.newUser(server, "eval");
            } catch (io.grpc.StatusRuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.out.printf("sign-in failed (%s), trying again%n", e.getStatus().getCode());
            }
        }
    }

    /** Indexes {@code REPEATS} times (cache emptied before each), the bare model as often in between; medians. */
    private static Throughput index(TestServer server, SessionClient user, RagServiceGrpc.RagServiceBlockingStub rag,
                                    Session session, Collection collection, Domain domain, String model,
                                    String redisUrl) throws Exception {
        List<Double> endToEnd = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        Job started = null;
        Job done = null;
        boolean eta = false;
        List<String> texts = null;
        OnnxEmbeddingModel.Kind kind = OnnxEmbeddingModel.Kind.valueOf(model.toUpperCase(Locale.ROOT));
        try (var bareModel = OnnxEmbeddingModel.open(kind, Files.createTempDirectory("rag-bare"),
                Runtime.getRuntime().availableProcessors());
             var cache = new JedisPooled(URI.create(redisUrl))) {
            for (int rep = 0; rep < REPEATS; rep++) {
                cache.flushAll(); // a cold embedding cache: every chunk goes to the model
                started = rag.withDeadlineAfter(120, TimeUnit.SECONDS).startIndexing(StartIndexingRequest.newBuilder()
                        .setSessionId(session.getId()).setCollectionId(collection.getId()).build());
                List<Job> states = watch(server, user, started.getId());
                done = states.getLast();
                require(done.getState() == JobState.JOB_STATE_SUCCEEDED, "indexing failed: " + done.getError());
                eta |= states.stream().anyMatch(Job::hasEstimatedTimeRemaining);
                endToEnd.add((toNanos(done.getEndTime()) - toNanos(done.getStartTime())) / 1e9);
                if (texts == null) {
                    texts = chunkTexts(server, session);
                    bareModel.embed(texts.subList(0, Math.min(64, texts.size()))); // warm-up, as the server's model is warm
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < texts.size(); i += 64) {
                    bareModel.embed(texts.subList(i, Math.min(texts.size(), i + 64)));
                }
                bare.add((System.nanoTime() - t0) / 1e9);
            }
        }
        var summary = done.getResult().getIndexing();
        require(texts.size() == summary.getChunksIndexed(), "bare texts " + texts.size() + " != chunks " + summary.getChunksIndexed());
        System.out.printf("%s: StartIndexing said work_total=%d (%s); indexed %d rows in %d chunks; end-to-end s %s; bare s %s; ETA seen: %s%n",
                domain.name(), started.getWorkTotal(), started.getPhase(), summary.getRowsIndexed(), summary.getChunksIndexed(),
                endToEnd, bare, eta);
        return new Throughput(domain.name(), summary.getRowsIndexed(), summary.getChunksIndexed(), median(endToEnd),
                median(bare), started.getWorkTotal(), eta);
    }

    /** The texts the server embedded: same chunker, same layout (hidden columns), same order. */
    private static List<String> chunkTexts(TestServer server, Session session) throws IOException {
        Path outputs = outputsDir(server.config().runtimeDir(), session.getId());
        TableLayout layout = TableLayout.of(outputs);
        List<String> texts = new ArrayList<>();
        ChunkSource source = new ChunkSource("bench", "bench", "bench");
        try (Stream<Path> files = Files.list(outputs)) {
            for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                    new CsvChunker().chunk(in, csv.getFileName().toString(), source,
                            layout.hidden(csv.getFileName().toString()), c -> texts.add(c.text()));
                }
            }
        }
        return texts;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static boolean recalled(RagServiceGrpc.RagServiceBlockingStub rag, Collection collection, Question q,
                                    RetrievalMode mode) {
        List<SearchHit> hits = rag.withDeadlineAfter(60, TimeUnit.SECONDS).search(SearchRequest.newBuilder()
                .setCollectionId(collection.getId()).setQuery(q.text())
                .setOptions(RetrievalOptions.newBuilder().setTopK(5).setMode(mode)).build()).getHitsList();
        for (SearchHit hit : hits) {
            if (!hit.getChunk().getFile().equals(q.table())) {
                continue;
            }
            String[] lines = hit.getChunk().getText().split("\n");
            for (int i = 1; i < lines.length; i++) {
                for (String field : lines[i].split(",")) {
                    if (q.answers().contains(field)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String answer(RagServiceGrpc.RagServiceBlockingStub rag, Collection collection, Question q,
                                 RetrievalMode mode) {
        var answer = new StringBuilder();
        rag.withDeadlineAfter(60, TimeUnit.SECONDS).chat(ChatRequest.newBuilder().setCollectionId(collection.getId())
                        .setQuestion(q.text()).setOptions(RetrievalOptions.newBuilder().setMode(mode)).build())
                .forEachRemaining((ChatResponse r) -> {
                    if (r.hasToken()) {
                        answer.append(r.getToken());
                    }
                });
        return answer.toString();
    }

    private static boolean answered(Question q, String text) {
        if (q.kind() != Kind.AGGREGATION) {
            return text.toLowerCase(Locale.ROOT).contains(q.expected().toLowerCase(Locale.ROOT));
        }
        // an aggregate must be stated, not merely occur inside a quoted row
        String statement = QUOTED_ROW.matcher(text).replaceAll("");
        if (!q.numeric()) {
            return statement.contains(q.expected());
        }
        double expected = Double.parseDouble(q.expected());
        Matcher m = NUMBER.matcher(statement);
        while (m.find()) {
            double value = Double.parseDouble(m.group().replace(",", ""));
            if (Math.abs(value - expected) < 0.006) {
                return true;
            }
        }
        return false;
    }

    private static void report(String model, Map<String, Score> scores, List<Throughput> speed) {
        System.out.printf("%nrecall@5 / exact-answer rate, model %s, all domains%n", model);
        System.out.println("| class | n | dense | keyword | hybrid | exact dense | exact keyword | exact hybrid |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Kind kind : Kind.values()) {
            row(kind.name().toLowerCase(Locale.ROOT), scores, k -> key(kind, k));
        }
        for (String domain : List.of("staff", "catalogue")) {
            System.out.printf("%nmodel %s, domain %s%n", model, domain);
            System.out.println("| class | n | dense | keyword | hybrid | exact dense | exact keyword | exact hybrid |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (Kind kind : Kind.values()) {
                row(kind.name().toLowerCase(Locale.ROOT), scores, k -> key(domain, kind, k));
            }
        }
        System.out.printf("%nindexing, model %s%n", model);
        System.out.println("| domain | rows | chunks | work_total at start | end-to-end s (median of 3) | chunks/s | rows/s | bare model s (median of 3) | bare chunks/s | end-to-end / bare | ETA seen |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Throughput t : speed) {
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.1f | %.1f | %.2f | %.1f | %.0f %% | %s |%n",
                    t.domain(), t.rows(), t.chunks(), t.workTotalAtStart(), t.endToEndSeconds(),
                    t.chunks() / t.endToEndSeconds(), t.rows() / t.endToEndSeconds(), t.bareSeconds(),
                    t.chunks() / t.bareSeconds(), 100 * t.bareSeconds() / t.endToEndSeconds(), t.etaSeen() ? "yes" : "no");
        }
    }

    private static void row(String label, Map<String, Score> scores, java.util.function.Function<RetrievalMode, String> key) {
        Map<RetrievalMode, Score> byMode = new EnumMap<>(RetrievalMode.class);
        MODES.forEach(m -> byMode.put(m, scores.getOrDefault(key.apply(m), new Score(0, 0, 0))));
        Score any = byMode.get(RetrievalMode.RETRIEVAL_MODE_HYBRID);
        StringBuilder line = new StringBuilder("| " + label + " | " + any.n() + " |");
        for (RetrievalMode m : MODES) {
            line.append(String.format(Locale.ROOT, " %.2f |", rate(byMode.get(m).hits(), byMode.get(m).n())));
        }
        for (RetrievalMode m : MODES) {
            line.append(String.format(Locale.ROOT, " %.2f |", rate(byMode.get(m).exact(), byMode.get(m).n())));
        }
        System.out.println(line);
    }

    private static double rate(int k, int n) {
        return n == 0 ? 0 : (double) k / n;
    }

    private static String key(Kind kind, RetrievalMode mode) {
        return kind + "/" + mode;
    }

    private static String key(String domain, Kind kind, RetrievalMode mode) {
        return domain + "/" + kind + "/" + mode;
    }

    private static Path outputsDir(Path runtimeDir, String sessionId) throws IOException {
        try (Stream<Path> dirs = Files.walk(runtimeDir.resolve("sessions").resolve(sessionId), 1)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("outputs-")).findFirst()
                    .orElseThrow(() -> new IOException("no outputs for session " + sessionId));
        }
    }

    private static long toNanos(com.google.protobuf.Timestamp t) {
        return t.getSeconds() * 1_000_000_000L + t.getNanos();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
