package io.ret.server.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/**
 * The relational store: a HikariCP pool over MySQL (or MariaDB), schema by
 * Flyway, and a few helpers so stores read as SQL plus a row mapper.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens the pool without waiting for the database, so a server can start
     * (and report NOT_SERVING) while it is away.
     */
    public static Database open(String jdbcUrl, String user, String password, int poolSize, Duration connectTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ret-db");
        config.setJdbcUrl(withDefaults(jdbcUrl));
        if (user != null && !user.isEmpty()) {
            config.setUsername(user);
        }
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(connectTimeout.toMillis(), 2000)));
        config.setInitializationFailTimeout(-1);
        return new Database(new HikariDataSource(config));
    }

    /** UTC on the wire and in the session, so instants round-trip exactly. */
    static String withDefaults(String url) {
        StringBuilder out = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        for (String option : List.of("connectionTimeZone=UTC", "forceConnectionTimeZoneToSession=true",
                "rewriteBatchedStatements=true", "connectTimeout=3000", "socketTimeout=60000", "tcpKeepAlive=true")) {
            String name = option.substring(0, option.indexOf('='));
            if (!url.contains(name + "=")) {
                out.append(sep).append(option);
                sep = '&';
            }
        }
        return out.toString();
    }

    /** Brings the schema to the newest version; waits up to {@code wait} for the database to answer. */
    public void migrate(Duration wait) {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            try {
                Flyway.configure()
                        .dataSource(pool)
                        .locations("classpath:db/migration")
                        .connectRetries(0)
                        .load()
                        .migrate();
                return;
            } catch (RuntimeException e) {
                if (!DataAccessException.isConnectionFailure(e) || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                sleep(Duration.ofMillis(500));
            }
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** A cheap round trip, for health checks. */
    public boolean isReachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return DatabaseSpans.statement(sql, () -> withConnection(c -> query(c, sql, mapper, params)));
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    public int update(String sql, Object... params) {
        return DatabaseSpans.statement(sql, () -> withConnection(c -> update(c, sql, params)));
    }

    /** Runs an INSERT and returns the generated key. */
    public long insert(String sql, Object... params) {
        return DatabaseSpans.statement(sql, () -> withConnection(c -> insert(c, sql, params)));
    }

    public <T> T withConnection(Work<T> work) {
        return DatabaseSpans.unit("connection", () -> onConnection(work));
    }

    private <T> T onConnection(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DataAccessException("database call failed", e);
        }
    }

    /** Times a transaction InnoDB chose as a deadlock victim is run again before the failure is passed on. */
    private static final int DEADLOCK_ATTEMPTS = 4;

    /**
     * Runs work in one transaction: committed if it returns, rolled back if it throws. A
     * transaction rolled back as a deadlock victim (SQLState 40001, which concurrent inserts
     * on different sessions can cause through InnoDB's gap locks) is run again from the start,
     * as MySQL's documentation advises, so work must do nothing but SQL on {@code c}.
     */
    public <T> T transaction(Work<T> work) {
        return DatabaseSpans.unit("transaction", () -> transactionWithRetries(work));
    }

    private <T> T transactionWithRetries(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (!"40001".equals(e.getSQLState()) || attempt >= DEADLOCK_ATTEMPTS) {
                    throw new DataAccessException("transaction failed", e);
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(5, 25L * attempt)); // let the winner finish
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new DataAccessException("transaction failed", e);
                }
            }
        }
    }

    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    public static long insert(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, params);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                return keys.next() ? keys.getLong(1) : 0L;
            }
        }
    }

    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            bindOne(ps, i + 1, params[i]);
        }
    }

    private static void bindOne(PreparedStatement ps, int index, Object value) throws SQLException {
        switch (value) {
            case null -> ps.setObject(index, null);
            case Instant instant -> ps.setTimestamp(index, Timestamp.from(instant));
            case Enum<?> constant -> ps.setString(index, constant.name());
            case Optional<?> optional -> bindOne(ps, index, optional.orElse(null));
            default -> ps.setObject(index, value);
        }
    }

    /** Reads a nullable DATETIME column as an instant (the session runs in UTC). */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp t = row.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the database", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
