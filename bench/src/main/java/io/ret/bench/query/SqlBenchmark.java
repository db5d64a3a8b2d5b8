package io.ret.bench.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.ret.bench.comparison.PairGenerator;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.ColumnType;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.query.CancelSignal;
import io.ret.server.query.QuerySettings;
import io.ret.server.query.ResultColumn;
import io.ret.server.query.RowSink;
import io.ret.server.query.SessionTables;
import io.ret.server.query.SqlSandbox;

/**
 * SQL latency over the comparison benchmark's 1M-row pair (see bench/query-results.md).
 *
 * <pre>
 * java -cp "bench/target/ret-bench.jar:bench/target/lib/*" io.ret.bench.query.SqlBenchmark \
 *     [--dir DIR] [--rows 1000000] [--repeat 7] [--fresh 5] [--out FILE]
 * </pre>
 *
 * The pair is written as a converted session would be: two CSVs and a datapackage.json typing
 * {@code id} as integer, so the views are the typed ones the server makes. Each statement runs
 * through {@link SqlSandbox} with the server's default limits (2 threads, 512 MB): a fresh
 * in-memory DuckDB per statement, the views attached read-only, the parse check, then the query.
 * Timed three ways: in a fresh JVM per run ({@link SqlRun}, process wall and the statement's own
 * time), warm in this JVM, and the baseline, bare DuckDB in this JVM (one open connection, plain
 * {@code read_csv} views, no sandbox, same 2 threads), so the sandbox's cost shows; and, for the
 * record, the views the server made before typed reads (text, then TRY_CAST) on a bare connection.
 */
public final class SqlBenchmark {
    static final QuerySettings SETTINGS = new QuerySettings(100_000, 512, 2, Duration.ofMinutes(5));

    record Query(String name, String what, String sql, int rows) {
    }

    static final List<Query> QUERIES = List.of(
            new Query("group-by", "GROUP BY id % 1000 (1,000 groups), count, max and count distinct",
                    "SELECT id % 1000 AS bucket, count(*) AS n, max(c1) AS top_c1, count(DISTINCT c2) AS c2s FROM left_side"
                            + " GROUP BY 1 ORDER BY 1", 1000),
            new Query("filter-count", "count with two filters",
                    "SELECT count(*) FROM left_side WHERE c5 LIKE 'v1%' AND id % 2 = 0", 1),
            new Query("top-10", "top 10 by a text column", "SELECT id, c3 FROM left_side ORDER BY c3 DESC LIMIT 10", 10),
            new Query("join-diff", "the pair joined on id, rows with any cell changed (the diff, in SQL)",
                    "SELECT count(*) FROM left_side l JOIN right_side r USING (id) WHERE l.c1 <> r.c1 OR l.c2 <> r.c2"
                            + " OR l.c3 <> r.c3 OR l.c4 <> r.c4 OR l.c5 <> r.c5 OR l.c6 <> r.c6 OR l.c7 <> r.c7"
                            + " OR l.c8 <> r.c8 OR l.c9 <> r.c9", 1));

    private SqlBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(option(args, "--dir", System.getProperty("java.io.tmpdir") + "/ret-sql-bench"));
        int rows = Integer.parseInt(option(args, "--rows", "1000000"));
        int repeat = Integer.parseInt(option(args, "--repeat", "7"));
        int fresh = Integer.parseInt(option(args, "--fresh", "5"));
        Path out = Path.of(option(args, "--out", dir.resolve("results.md").toString()));
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        Files.createDirectories(dir);
        PairGenerator.Expected expected = PairGenerator.write(dir.resolve("left.csv"), dir.resolve("right.csv"), rows, 1);
        schema(rows).write(dir);
        SqlSandbox.Target target = target(dir);
        long modified = ((Number) sandboxed(target, QUERIES.get(3).sql()).getFirst().getFirst()).longValue();
        if (modified != expected.modified()) {
            throw new IllegalStateException("join-diff found " + modified + " changed rows, the generator made " + expected.modified());
        }

        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "Machine: %d cores (%s), JDK %s; %,d rows per side; load average at start %s.%n"
                        + "Run on %s. join-diff found %,d changed rows, as generated.%n%n", Runtime.getRuntime().availableProcessors(),
                cpu(), System.getProperty("java.version"), rows, loadBefore, LocalDate.now(), modified));
        report.append("| statement | fresh JVM: process wall (s) | fresh JVM: statement (s) | warm: sandboxed (s) | warm: bare DuckDB (s) | sandboxed / bare | warm: the server's typed views, no sandbox (s) | typed / bare | warm: v1 text + TRY_CAST views, no sandbox (s) | v1 / bare |\n");
        report.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        try (Connection bare = bare(dir); Connection typedViews = serverViews(dir, target); Connection textViews = textAndTryCast(dir)) {
            for (Query query : QUERIES) {
                double[] processWall = new double[fresh];
                double[] statement = new double[fresh];
                for (int i = 0; i < fresh; i++) {
                    double[] run = fresh(dir, query);
                    processWall[i] = run[0];
                    statement[i] = run[1];
                }
                // one warm-up each, then the variants in turn, so a change of load hits them alike
                sandboxed(target, query.sql());
                bareRun(bare, query.sql());
                bareRun(typedViews, query.sql());
                bareRun(textViews, query.sql());
                double[] warm = new double[repeat];
                double[] baseline = new double[repeat];
                double[] typedBare = new double[repeat];
                double[] before = new double[repeat];
                for (int i = 0; i < repeat; i++) {
                    long started = System.nanoTime();
                    check(query, sandboxed(target, query.sql()).size());
                    warm[i] = seconds(started);
                    started = System.nanoTime();
                    check(query, bareRun(bare, query.sql()));
                    baseline[i] = seconds(started);
                    started = System.nanoTime();
                    check(query, bareRun(typedViews, query.sql()));
                    typedBare[i] = seconds(started);
                    started = System.nanoTime();
                    check(query, bareRun(textViews, query.sql()));
                    before[i] = seconds(started);
                }
                report.append(String.format(Locale.ROOT, "| %s: %s | %.2f | %.2f | %.3f | %.3f | %.2f | %.3f | %.2f | %.3f | %.2f |%n",
                        query.name(), query.what(), median(processWall), median(statement), median(warm), median(baseline),
                        median(warm) / median(baseline), median(typedBare), median(typedBare) / median(baseline),
                        median(before), median(before) / median(baseline)));
                System.out.print(report.substring(report.lastIndexOf("| " + query.name())));
            }
        }
        report.append(String.format(Locale.ROOT, "%nLoad average at end %s. Medians: fresh JVM of %d processes, warm of %d runs"
                + " after one warm-up.%n", Files.readString(Path.of("/proc/loadavg")).trim(), fresh, repeat));
        Files.writeString(out, report);
        System.out.println(report);
    }

    static DataPackage schema(int rows) {
        List<TableSchema> tables = new ArrayList<>();
        for (String side : List.of("left", "right")) {
            List<ColumnSchema> columns = new ArrayList<>();
            columns.add(ColumnSchema.data("id", ColumnType.INTEGER, 0));
            for (int c = 1; c <= 9; c++) {
                columns.add(ColumnSchema.data("c" + c, ColumnType.STRING, 0));
            }
            tables.add(new TableSchema(side + "_side", side + ".csv", "", "/rows/row", "", List.of("id"), List.of(),
                    KeySource.DETECTED, rows, columns));
        }
        return new DataPackage(Layout.MERGED, tables);
    }

    static SqlSandbox.Target target(Path dir) {
        return new SqlSandbox.Target(dir, dir.resolve("sql").resolve("views.duckdb"), SessionTables.of(dir, List.of()));
    }

    static List<List<Object>> sandboxed(SqlSandbox.Target target, String sql) {
        List<List<Object>> rows = new ArrayList<>();
        new SqlSandbox(SETTINGS).run(target, sql, SETTINGS.maxRows(), CancelSignal.NEVER, new RowSink() {
            @Override
            public void columns(List<ResultColumn> columns) {
            }

            @Override
            public void row(List<Object> values) {
                rows.add(values);
            }
        });
        return rows;
    }

    private static Connection bare(Path dir) throws Exception {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("SET threads = 2");
            for (String side : List.of("left", "right")) {
                s.execute("CREATE VIEW " + side + "_side AS SELECT * FROM read_csv('" + dir.resolve(side + ".csv") + "')");
            }
        }
        return connection;
    }

    /** The server's own views (the session's views file, attached read-only) on a bare connection: no sandbox settings. */
    private static Connection serverViews(Path dir, SqlSandbox.Target target) throws Exception {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("SET threads = 2");
            s.execute("ATTACH '" + target.viewsFile() + "' AS views (READ_ONLY)");
            s.execute("USE views");
        }
        return connection;
    }

    /**
     * The views as the server made them before typed reads (ViewDefinitions v1): every field read as
     * text, then TRY_CAST to the schema's type. Same connection settings as {@link #bare}.
     */
    private static Connection textAndTryCast(Path dir) throws Exception {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = connection.createStatement()) {
            s.execute("SET threads = 2");
            for (String side : List.of("left", "right")) {
                StringBuilder columns = new StringBuilder("{'id': 'VARCHAR'");
                StringBuilder select = new StringBuilder("TRY_CAST(nullif(\"id\", '') AS BIGINT) AS \"id\"");
                for (int c = 1; c <= 9; c++) {
                    columns.append(", 'c").append(c).append("': 'VARCHAR'");
                    select.append(", \"c").append(c).append('"');
                }
                s.execute("CREATE VIEW " + side + "_side AS SELECT " + select + " FROM read_csv('" + dir.resolve(side + ".csv")
                        + "', header = true, delim = ',', quote = '\"', escape = '\"', max_line_size = 67108864, columns = "
                        + columns + "})");
            }
        }
        return connection;
    }

    private static int bareRun(Connection connection, String sql) throws Exception {
        int rows = 0;
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows++;
            }
        }
        return rows;
    }

    /** {process wall seconds, statement seconds} of one fresh JVM. */
    private static double[] fresh(Path dir, Query query) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long started = System.nanoTime();
        Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), SqlRun.class.getName(), dir.toString(), query.name())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("SqlRun failed: " + output);
        }
        double wall = seconds(started);
        String[] parts = output.split(" ");
        check(query, Integer.parseInt(parts[0]));
        return new double[] {wall, Long.parseLong(parts[1]) / 1000.0};
    }

    private static void check(Query query, int rows) {
        if (rows != query.rows()) {
            throw new IllegalStateException(query.name() + " returned " + rows + " rows, expected " + query.rows());
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String cpu() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
