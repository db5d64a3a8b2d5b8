package io.ret.server.platform.db;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import io.helidon.dbclient.DbColumn;
import io.helidon.dbclient.DbRow;

/**
 * One result row for a {@link Database.RowMapper}, read by column label or 1-based position with
 * ResultSet's conventions (a NULL number reads as 0, a NULL boolean as false). Rows come from
 * DbClient ({@link DbRow}) or, for statements on a transaction's JDBC connection, from a
 * {@link ResultSet}; mappers read both the same way.
 */
public sealed interface Row {
    String getString(String column) throws SQLException;

    String getString(int column) throws SQLException;

    int getInt(String column) throws SQLException;

    int getInt(int column) throws SQLException;

    long getLong(String column) throws SQLException;

    long getLong(int column) throws SQLException;

    boolean getBoolean(String column) throws SQLException;

    boolean getBoolean(int column) throws SQLException;

    byte[] getBytes(String column) throws SQLException;

    byte[] getBytes(int column) throws SQLException;

    /** A nullable DATETIME column as an instant (the session runs in UTC). */
    Instant getInstant(String column) throws SQLException;

    static Row of(DbRow row) {
        return new FromDbClient(row);
    }

    static Row of(ResultSet row) {
        return new FromJdbc(row);
    }

    /** Converts the driver's objects (DbClient reads every column with {@code getObject}). */
    record FromDbClient(DbRow row) implements Row {
        @Override
        public String getString(String column) {
            return string(row.column(column));
        }

        @Override
        public String getString(int column) {
            return string(row.column(column));
        }

        @Override
        public int getInt(String column) {
            return (int) number(row.column(column));
        }

        @Override
        public int getInt(int column) {
            return (int) number(row.column(column));
        }

        @Override
        public long getLong(String column) {
            return number(row.column(column));
        }

        @Override
        public long getLong(int column) {
            return number(row.column(column));
        }

        @Override
        public boolean getBoolean(String column) {
            return number(row.column(column)) != 0;
        }

        @Override
        public boolean getBoolean(int column) {
            return number(row.column(column)) != 0;
        }

        @Override
        public byte[] getBytes(String column) {
            return bytes(row.column(column));
        }

        @Override
        public byte[] getBytes(int column) {
            return bytes(row.column(column));
        }

        @Override
        public Instant getInstant(String column) {
            return switch (row.column(column).orElse(null)) {
                case null -> null;
                case LocalDateTime utc -> utc.toInstant(ZoneOffset.UTC);
                case Timestamp t -> t.toInstant();
                case OffsetDateTime t -> t.toInstant();
                case ZonedDateTime t -> t.toInstant();
                case Instant t -> t;
                case Object other -> throw new IllegalStateException(column + " is no point in time: " + other.getClass());
            };
        }

        private static String string(DbColumn column) {
            return switch (column.orElse(null)) { // get() throws on NULL
                case null -> null;
                case byte[] b -> new String(b, StandardCharsets.UTF_8);
                case Object other -> other.toString();
            };
        }

        private static long number(DbColumn column) {
            return switch (column.orElse(null)) { // get() throws on NULL
                case null -> 0L;
                case Number n -> n.longValue();
                case Boolean b -> b ? 1L : 0L;
                case String s -> Long.parseLong(s.trim());
                case Object other -> throw new IllegalStateException(column.name() + " is no number: " + other.getClass());
            };
        }

        private static byte[] bytes(DbColumn column) {
            return switch (column.orElse(null)) { // get() throws on NULL
                case null -> null;
                case byte[] b -> b;
                case String s -> s.getBytes(StandardCharsets.UTF_8);
                case Object other -> throw new IllegalStateException(column.name() + " is no byte string: " + other.getClass());
            };
        }
    }

    record FromJdbc(ResultSet row) implements Row {
        @Override
        public String getString(String column) throws SQLException {
            return row.getString(column);
        }

        @Override
        public String getString(int column) throws SQLException {
            return row.getString(column);
        }

        @Override
        public int getInt(String column) throws SQLException {
            return row.getInt(column);
        }

        @Override
        public int getInt(int column) throws SQLException {
            return row.getInt(column);
        }

        @Override
        public long getLong(String column) throws SQLException {
            return row.getLong(column);
        }

        @Override
        public long getLong(int column) throws SQLException {
            return row.getLong(column);
        }

        @Override
        public boolean getBoolean(String column) throws SQLException {
            return row.getBoolean(column);
        }

        @Override
        public boolean getBoolean(int column) throws SQLException {
            return row.getBoolean(column);
        }

        @Override
        public byte[] getBytes(String column) throws SQLException {
            return row.getBytes(column);
        }

        @Override
        public byte[] getBytes(int column) throws SQLException {
            return row.getBytes(column);
        }

        @Override
        public Instant getInstant(String column) throws SQLException {
            Timestamp t = row.getTimestamp(column);
            return t == null ? null : t.toInstant();
        }
    }
}
