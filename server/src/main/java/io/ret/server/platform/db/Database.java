package io.ret.server.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import org.flywaydb.core.Flyway;

/**
 * The relational store: Helidon DbClient over a HikariCP pool on MySQL (or MariaDB), schema by
 * Flyway, and a few helpers so stores read as SQL plus a row mapper. Single statements run
 * through DbClient (its pool, parameter binding and rows); transactions and {@link #withConnection}
 * work get a JDBC connection from DbClient, because their work needs one connection across
 * statements that DbClient's own transaction cannot share (batches, the named lock, calls
 * into several stores) and the deadlock retry needs the SQLState.
 */
public final class Database implements AutoCloseable {
    private final HikariConnectionPool pool;
    private final DbClient client;

    private Database(HikariConnectionPool pool) {
        this.pool = pool;
        this.client = JdbcClientBuilder.create().connectionPool(pool).build();
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
        return new Database(new HikariConnectionPool(new HikariDataSource(config)));
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
                        .dataSource(pool.dataSource())
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

    /**
     * DbClient's health check, feeding readiness: a round trip through its pool. (Helidon's
     * {@code helidon-dbclient-health} module, which does the same, is not served here.)
     */
    public boolean isReachable() {
        try {
            return client.execute().get("SELECT 1").isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(Row row) throws SQLException;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return DatabaseSpans.statement(sql, () -> queryUntraced(sql, mapper, params));
    }

    private <T> List<T> queryUntraced(String sql, RowMapper<T> mapper, Object... params) {
        try (Stream<DbRow> rows = client.execute().query(sql, values(params))) {
            List<T> out = new ArrayList<>();
            for (Iterator<DbRow> i = rows.iterator(); i.hasNext(); ) {
                out.add(mapper.map(Row.of(i.next())));
            }
            return out;
        } catch (SQLException | DbClientException e) {
            throw failure("query failed", e);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    public int update(String sql, Object... params) {
        return DatabaseSpans.statement(sql, () -> updateUntraced(sql, params));
    }

    private int updateUntraced(String sql, Object... params) {
        try {
            return (int) client.execute().dml(sql, values(params));
        } catch (DbClientException e) {
            throw failure("update failed", e);
        }
    }

    /** Runs work on one JDBC connection reached through DbClient (see the class comment for why). */
    public <T> T withConnection(Work<T> work) {
        return DatabaseSpans.unit("connection", () -> onConnection(work));
    }

    private <T> T onConnection(Work<T> work) {
        try (Connection c = connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DataAccessException("database call failed", e);
        }
    }

    private Connection connection() {
        try {
            return client.unwrap(Connection.class);
        } catch (DbClientException e) {
            throw failure("no connection", e);
        }
    }

    /** DbClient wraps the driver's SQLException; stores and the error mapper look at that. */
    private static RuntimeException failure(String what, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return new DataAccessException(what, sql);
            }
        }
        return e instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(what, e);
    }

    /** Domain values as the JDBC types DbClient binds: instants as timestamps, enums by name. */
    private static Object[] values(Object... params) {
        Object[] out = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            out[i] = value(params[i]);
        }
        return out;
    }

    private static Object value(Object param) {
        return switch (param) {
            case Instant instant -> Timestamp.from(instant);
            case Enum<?> constant -> constant.name();
            case Optional<?> optional -> value(optional.orElse(null));
            case null, default -> param;
        };
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
            try (Connection c = connection()) { // JDBC: the deadlock retry needs the SQLState of the failed commit
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
                Row row = Row.of(rs);
                while (rs.next()) {
                    out.add(mapper.map(row));
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

    /** Binds parameters on a JDBC statement (batches, and statements on a transaction's connection). */
    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, value(params[i]));
        }
    }

    /** Reads a nullable DATETIME column as an instant (the session runs in UTC). */
    public static Instant instant(Row row, String column) throws SQLException {
        return row.getInstant(column);
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
        client.close(); // closes the pool
    }
}
