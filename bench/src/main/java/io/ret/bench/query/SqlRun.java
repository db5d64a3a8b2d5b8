package io.ret.bench.query;

import java.nio.file.Path;
import java.util.List;

/**
 * One statement in a fresh JVM, through RET's sandbox, as the first query after a server
 * start would run: {@code SqlRun DIR NAME} prints {@code rows millis} (the statement's own
 * time, DuckDB's native library load included).
 */
public final class SqlRun {
    private SqlRun() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        SqlBenchmark.Query query = SqlBenchmark.QUERIES.stream().filter(q -> q.name().equals(args[1])).findFirst()
                .orElseThrow();
        long started = System.nanoTime();
        List<List<Object>> rows = SqlBenchmark.sandboxed(SqlBenchmark.target(dir), query.sql());
        System.out.println(rows.size() + " " + (System.nanoTime() - started) / 1_000_000);
    }
}
