package io.ret.server.platform.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;

/**
 * DbClient's connection pool, backed by HikariCP. Helidon's own Hikari module
 * ({@code helidon-dbclient-hikari}) is not served by the registry here, so this plugs the same
 * pool into DbClient's {@code JdbcConnectionPool} SPI; DbClient closes it when it is closed.
 */
final class HikariConnectionPool implements CloseableJdbcConnectionPool {
    private final HikariDataSource hikari;

    HikariConnectionPool(HikariDataSource hikari) {
        this.hikari = hikari;
    }

    @Override
    public Connection connection() {
        try {
            return hikari.getConnection();
        } catch (SQLException e) { // DbClient expects an unchecked failure; Database unwraps the SQLException
            throw new DbClientException("no database connection", e);
        }
    }

    @Override
    public String dbType() {
        return "mysql";
    }

    /** The pool as a DataSource, for Flyway, which runs outside DbClient. */
    DataSource dataSource() {
        return hikari;
    }

    @Override
    public void close() {
        hikari.close();
    }
}
