package io.ret.server.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ret.server.platform.error.ApiException;

/**
 * Runs one read-only statement over one session's tables in DuckDB, in-process.
 *
 * <p>The session's views live in a small DuckDB file beside its outputs, made once per
 * outputs directory. Every statement gets a fresh in-memory DuckDB that attaches that
 * file READ_ONLY (DuckDB's own guard against writes to it), then reaches files only
 * under the outputs directory ({@code allowed_directories}, then
 * {@code enable_external_access=false}), autoloads and installs no extension, and locks
 * its configuration so the statement cannot undo any of it. Before it runs, DuckDB's
 * own parser must find exactly one SELECT in the text ({@code json_serialize_sql}
 * serializes nothing else): COPY, ATTACH, PRAGMA, SET, INSTALL and LOAD never reach
 * execution, and that matters because COPY ... TO would otherwise write inside the
 * allowed directory.
 */
public final class SqlSandbox {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BAD_VALUE = Pattern.compile("CSV Error on Line: (\\d+).*?Error when converting column \"(.*?)\"\\."
            + " Could not convert string \"(.*?)\" to '(.*?)'.*?\\n\\s*file = ([^\\n]*)", Pattern.DOTALL);
    private static final String CATALOG = "session";
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sql-time-limit").factory());

    public record Outcome(long rows, boolean truncated) {
    }

    /**
     * @param outputsDir the session's outputs, the only directory the statement may read
     * @param viewsFile  where the session's views are kept (made on first use)
     */
    public record Target(Path outputsDir, Path viewsFile, List<SqlTable> tables) {
        public Target {
            outputsDir = outputsDir.toAbsolutePath().normalize();
            tables = List.copyOf(tables);
        }
    }

    private final QuerySettings settings;

    public SqlSandbox(QuerySettings settings) {
        this.settings = settings;
    }

    public QuerySettings settings() {
        return settings;
    }

    /**
     * Runs {@code sql} and passes its columns and at most {@code maxRows} rows to {@code sink}.
     *
     * @throws ApiException INVALID_ARGUMENT (not one read-only query, or DuckDB refused it), PERMISSION_DENIED
     *                      (it reached beyond the session), RESOURCE_EXHAUSTED (memory or time limit)
     */
    public Outcome run(Target target, String sql, int maxRows, CancelSignal cancel, RowSink sink) {
        return run(List.of(target), sql, maxRows, cancel, sink);
    }

    /**
     * Runs {@code sql} over several sessions at once (a collection's): each session's views are
     * attached as catalog {@link #catalog}, the first is the default, and the statement may read
     * the files of all of them.
     */
    public Outcome run(List<Target> targets, String sql, int maxRows, CancelSignal cancel, RowSink sink) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no session to query");
        }
        targets.forEach(SqlSandbox::ensureViews);
        AtomicBoolean cancelled = new AtomicBoolean();
        try (Connection connection = open(targets); Statement statement = connection.createStatement()) {
            requireOneSelect(connection, sql);
            Runnable stop = () -> {
                cancelled.set(true);
                cancelQuietly(statement);
            };
            cancel.onCancel(stop);
            ScheduledFuture<?> timeLimit = TIMER.schedule(stop, settings.maxDuration().toMillis(), TimeUnit.MILLISECONDS);
            try (ResultSet result = statement.executeQuery(sql)) {
                List<ResultColumn> columns = columns(result.getMetaData());
                sink.columns(columns);
                long rows = 0;
                while (result.next()) {
                    if (rows == maxRows) {
                        return new Outcome(rows, true);
                    }
                    sink.row(values(result, columns));
                    rows++;
                }
                return new Outcome(rows, false);
            } finally {
                timeLimit.cancel(false);
            }
        } catch (SQLException e) {
            throw refusal(e, targets, cancelled.get());
        }
    }

    /** The catalog name of the {@code index}th of {@code count} sessions in one statement. */
    public static String catalog(int index, int count) {
        return count == 1 ? CATALOG : CATALOG + "_" + (index + 1);
    }

    private Connection open(List<Target> targets) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("autoload_known_extensions", "false");
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("allow_community_extensions", "false");
        Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        try (Statement setup = connection.createStatement()) {
            List<String> allowed = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                setup.execute("ATTACH " + literal(targets.get(i).viewsFile().toString()) + " AS " + catalog(i, targets.size())
                        + " (READ_ONLY)");
                allowed.add(literal(targets.get(i).outputsDir() + "/"));
            }
            setup.execute("USE " + catalog(0, targets.size()));
            setup.execute("SET memory_limit = '" + settings.memoryMb() + "MB'");
            setup.execute("SET threads = " + settings.threads());
            setup.execute("SET temp_directory = ''");
            setup.execute("SET allowed_directories = [" + String.join(", ", allowed) + "]");
            setup.execute("SET enable_external_access = false");
            setup.execute("SET lock_configuration = true");
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** Exactly one statement, and DuckDB's parser calls it a SELECT (WITH ... SELECT, set operations, FROM-first). */
    private static void requireOneSelect(Connection connection, String sql) throws SQLException {
        JsonNode parsed;
        try (PreparedStatement check = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
            check.setString(1, sql);
            try (ResultSet result = check.executeQuery()) {
                result.next();
                parsed = JSON.readTree(result.getString(1));
            } catch (IOException e) {
                throw new IllegalStateException("unreadable parse tree from DuckDB", e);
            }
        }
        if (parsed.path("error").asBoolean(true)) {
            String type = parsed.path("error_type").asText("");
            if (type.equals("parser")) {
                throw ApiException.invalid("SQL_INVALID", "sql", firstLine(parsed.path("error_message").asText("")));
            }
            throw notReadOnly();
        }
        if (parsed.path("statements").size() != 1) {
            throw ApiException.invalid("SQL_NOT_READ_ONLY", "sql", "must be exactly one statement");
        }
    }

    private static ApiException notReadOnly() {
        return ApiException.invalid("SQL_NOT_READ_ONLY", "sql",
                "must be one read-only query (SELECT or WITH ... SELECT); nothing else runs here");
    }

    private ApiException refusal(SQLException e, List<Target> targets, boolean cancelled) {
        String full = String.valueOf(e.getMessage());
        Matcher bad = BAD_VALUE.matcher(full);
        if (full.startsWith("Conversion Error: CSV Error on Line") && bad.find()) {
            return badValue(bad, targets);
        }
        String message = firstLine(full);
        for (Target target : targets) {
            message = message.replace(target.outputsDir() + "/", "");
        }
        if (cancelled || message.contains("INTERRUPT") || message.contains("Interrupted")) {
            return ApiException.resourceExhausted("SQL_CANCELLED", "the statement was stopped: its deadline passed"
                    + " (at most " + settings.maxDuration().toSeconds() + " s) or the call was cancelled", null);
        }
        if (message.startsWith("Permission Error")) {
            return ApiException.permissionDenied("SQL_ACCESS_DENIED",
                    "the statement may read only this session's tables; " + message);
        }
        if (message.startsWith("Out of Memory Error")) {
            return ApiException.resourceExhausted("SQL_MEMORY_LIMIT", "the statement needs more than "
                    + settings.memoryMb() + " MB; narrow it", null);
        }
        if (message.contains("read-only mode")) {
            return notReadOnly();
        }
        return ApiException.invalid("SQL_INVALID", "sql", message);
    }

    /**
     * A value of a typed view's CSV that does not parse as its column's type: DuckDB's CSV error
     * names the line, column, value and type, and the file; the message keeps those, with the
     * file relative to the session's outputs.
     */
    private static ApiException badValue(Matcher bad, List<Target> targets) {
        Path path = Path.of(bad.group(5).strip());
        String file = targets.stream().filter(t -> path.startsWith(t.outputsDir())).findFirst()
                .map(t -> t.outputsDir().relativize(path).toString()).orElse(String.valueOf(path.getFileName()));
        String value = bad.group(3).length() > 80 ? bad.group(3).substring(0, 80) + "..." : bad.group(3);
        return ApiException.failedPrecondition("SQL_BAD_VALUE", file + " line " + bad.group(1) + ", column "
                + bad.group(2) + ": \"" + value + "\" is not a " + bad.group(4) + " as the table's schema says;"
                + " statements that leave this column out still run");
    }

    /** DuckDB's first line says what is wrong; the rest repeats the statement with a caret. */
    private static String firstLine(String message) {
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        int caret = line.indexOf(" LINE ");
        return (caret < 0 ? line : line.substring(0, caret)).strip();
    }

    private static List<ResultColumn> columns(ResultSetMetaData meta) throws SQLException {
        List<ResultColumn> columns = new ArrayList<>(meta.getColumnCount());
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String type = meta.getColumnTypeName(i);
            columns.add(new ResultColumn(meta.getColumnLabel(i), kind(type), type));
        }
        return columns;
    }

    public static ValueKind kind(String databaseType) {
        String type = databaseType.toUpperCase(java.util.Locale.ROOT);
        if (type.startsWith("DECIMAL")) {
            return ValueKind.DECIMAL;
        }
        if (type.startsWith("TIMESTAMP")) {
            return ValueKind.TIMESTAMP;
        }
        return switch (type) {
            case "VARCHAR" -> ValueKind.STRING;
            case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT",
                 "UHUGEINT" -> ValueKind.INTEGER;
            case "FLOAT", "DOUBLE" -> ValueKind.NUMBER;
            case "BOOLEAN" -> ValueKind.BOOLEAN;
            case "DATE" -> ValueKind.DATE;
            default -> ValueKind.OTHER;
        };
    }

    private static List<Object> values(ResultSet result, List<ResultColumn> columns) throws SQLException {
        List<Object> values = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            Object raw = result.getObject(i + 1);
            values.add(raw == null ? null : switch (columns.get(i).kind()) {
                case STRING, DATE, TIMESTAMP, OTHER -> result.getString(i + 1);
                case INTEGER -> integer(raw);
                case NUMBER -> ((Number) raw).doubleValue();
                case DECIMAL -> (raw instanceof BigDecimal d ? d : new BigDecimal(raw.toString())).toPlainString();
                case BOOLEAN -> (Boolean) raw;
            });
        }
        return values;
    }

    private static Object integer(Object raw) {
        if (raw instanceof BigInteger big) {
            // sum() of BIGINT is HUGEINT in DuckDB: exact as long as it fits, else sent as text
            return big.bitLength() < 64 ? (Object) big.longValue() : big.toString();
        }
        return ((Number) raw).longValue();
    }

    private static void cancelQuietly(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException | RuntimeException e) {
            // already finished or closed: nothing to stop
        }
    }

    /** Makes the session's views file once: written beside, then moved into place, so readers never see half of it. */
    private static void ensureViews(Target target) {
        if (Files.isRegularFile(target.viewsFile())) {
            return;
        }
        Path temporary = target.viewsFile().resolveSibling(target.viewsFile().getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(target.viewsFile().getParent());
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + temporary);
                 Statement statement = connection.createStatement()) {
                for (SqlTable table : target.tables()) {
                    statement.execute(ViewDefinitions.create(table, target.outputsDir()));
                }
            }
            Files.move(temporary, target.viewsFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot define the session's views: " + firstLine(String.valueOf(e.getMessage())), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session's views", e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
                Files.deleteIfExists(Path.of(temporary + ".wal"));
            } catch (IOException e) {
                // a leftover temporary file is harmless; the next run makes its own
            }
        }
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
