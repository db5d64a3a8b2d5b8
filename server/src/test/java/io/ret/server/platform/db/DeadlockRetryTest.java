package io.ret.server.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.ret.server.testing.TestEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two transactions that lock the same rows in opposite order deadlock; InnoDB rolls one back
 * (SQLState 40001) and {@link Database#transaction} runs it again, so both commit.
 */
class DeadlockRetryTest {
    private static Database db;

    @BeforeAll
    static void open() {
        db = Database.open(TestEngines.jdbcUrl(), "", "", 4, Duration.ofSeconds(5));
        db.withConnection(c -> {
            Database.update(c, "CREATE TABLE IF NOT EXISTS deadlock_probe (id INT PRIMARY KEY, n INT NOT NULL)");
            Database.update(c, "DELETE FROM deadlock_probe");
            Database.update(c, "INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)");
            return null;
        });
    }

    @AfterAll
    static void close() {
        db.withConnection(c -> Database.update(c, "DROP TABLE deadlock_probe"));
        db.close();
    }

    @Test
    void aDeadlockVictimIsRunAgainAndBothTransactionsCommit() throws Exception {
        CyclicBarrier bothHoldOneRow = new CyclicBarrier(2);
        AtomicInteger runs = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> done = threads.invokeAll(List.of(
                    () -> lockBoth(1, 2, bothHoldOneRow, runs),
                    () -> lockBoth(2, 1, bothHoldOneRow, runs)), 60, TimeUnit.SECONDS);
            for (Future<Object> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        long total = db.withConnection(c -> Database.query(c, "SELECT SUM(n) FROM deadlock_probe", r -> r.getLong(1))
                .getFirst());
        assertThat(total).as("each transaction's two increments committed once").isEqualTo(4);
        assertThat(runs.get()).as("the victim ran again").isGreaterThan(2);
    }

    private static Object lockBoth(int first, int second, CyclicBarrier barrier, AtomicInteger runs) {
        return db.transaction(c -> {
            boolean firstRun = runs.incrementAndGet() <= 2;
            Database.update(c, "UPDATE deadlock_probe SET n = n + 1 WHERE id = ?", first);
            if (firstRun) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            Database.update(c, "UPDATE deadlock_probe SET n = n + 1 WHERE id = ?", second);
            return null;
        });
    }
}
