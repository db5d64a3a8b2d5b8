package io.ret.server.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ret.api.v1.ListTablesRequest;
import io.ret.api.v1.ListTablesResponse;
import io.ret.api.v1.QueryColumn;
import io.ret.api.v1.QueryRow;
import io.ret.api.v1.QueryServiceGrpc;
import io.ret.api.v1.QuerySummary;
import io.ret.api.v1.QueryTable;
import io.ret.api.v1.QueryValue;
import io.ret.api.v1.RunQueryRequest;
import io.ret.api.v1.RunQueryResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Read-only SQL over a session's converted tables (QueryService). */
final class QueryCommands {
    private QueryCommands() {
    }

    @Command(name = "query", description = {"Run one read-only SQL statement (DuckDB dialect) over a session's tables.",
            "Prints the rows as a table, then the row count; `ret tables SESSION` names the tables.",
            "--output json: the columns, one object (column -> value) per row, then the summary, as JSON lines."})
    static final class Query extends ClientCommand {
        @Parameters(index = "0", paramLabel = "SESSION") String sessionId;
        @Parameters(index = "1", paramLabel = "SQL", description = "One SELECT or WITH ... SELECT statement.") String sql;
        @Option(names = "--max-rows", paramLabel = "N", defaultValue = "0",
                description = "Rows returned at most (default: the server's limit, which also caps N).")
        int maxRows;
        @Option(names = "--width", defaultValue = "40", description = "Widest cell shown (default ${DEFAULT-VALUE}).")
        int width;

        Query(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            if (maxRows < 0) {
                throw new CliException(ExitCodes.USAGE, "--max-rows must not be negative (0 means the server's limit)");
            }
            // A statement is a stream like a watch: the server's own time limit (ret.query.timeout) bounds it.
            Iterator<RunQueryResponse> result = client.stream(QueryServiceGrpc::newBlockingStub).runQuery(RunQueryRequest
                    .newBuilder().setSessionId(sessionId).setSql(sql).setMaxRows(maxRows).build());
            List<String> names = new ArrayList<>();
            List<List<String>> table = new ArrayList<>();
            QuerySummary summary = QuerySummary.getDefaultInstance();
            while (result.hasNext()) {
                RunQueryResponse event = result.next();
                switch (event.getEventCase()) {
                    case COLUMNS -> {
                        out.line(event);
                        event.getColumns().getColumnsList().stream().map(QueryColumn::getName).forEach(names::add);
                        table.add(List.copyOf(names));
                    }
                    case ROWS -> {
                        for (QueryRow row : event.getRows().getRowsList()) {
                            if (out.json()) {
                                out.out().println(Output.json(object(names, row)));
                            } else {
                                table.add(row.getValuesList().stream().map(QueryCommands::text).toList());
                            }
                        }
                    }
                    case SUMMARY -> {
                        out.line(event);
                        summary = event.getSummary();
                    }
                    default -> {
                    }
                }
            }
            if (!names.isEmpty()) {
                Tables.print(out, table, Math.max(2, width));
            }
            out.textf("%d row%s%s (%d ms)%n", summary.getRows(), summary.getRows() == 1 ? "" : "s",
                    summary.getTruncated() ? "; cut at max rows, more rows were not sent (--max-rows)" : "",
                    summary.getElapsedMillis());
            return ExitCodes.OK;
        }
    }

    @Command(name = "tables", description = {"The tables a session offers to `ret query`:",
            "view names, files, rows, keys, parents, and columns with their types."})
    static final class ListTables extends ClientCommand {
        @Parameters(paramLabel = "SESSION") String sessionId;

        ListTables(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            ListTablesResponse response = client.call(QueryServiceGrpc::newBlockingStub)
                    .listTables(ListTablesRequest.newBuilder().setSessionId(sessionId).build());
            out.document(response);
            for (QueryTable t : response.getTablesList()) {
                out.textf("%s  %s  %d rows%s%s%n", t.getName(), t.getFile(), t.getRows(),
                        t.getPrimaryKeyCount() == 0 ? "" : "  key: " + String.join(", ", t.getPrimaryKeyList()),
                        t.getParent().isEmpty() ? "" : "  parent: " + t.getParent()
                                + " (" + String.join(", ", t.getParentKeyList()) + ")");
                int wide = t.getColumnsList().stream().mapToInt(c -> c.getName().length()).max().orElse(0);
                for (QueryColumn c : t.getColumnsList()) {
                    out.textf("  %-" + Math.max(1, wide) + "s  %s%n", c.getName(), c.getDatabaseType());
                }
            }
            if (response.getTablesCount() == 0) {
                out.text("no tables: the session has no converted outputs yet");
            }
            return ExitCodes.OK;
        }
    }

    /** A row as column -> value, in column order (a repeated column name keeps its last value). */
    private static Map<String, Object> object(List<String> names, QueryRow row) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < row.getValuesCount(); i++) {
            object.put(i < names.size() ? names.get(i) : "column" + (i + 1), value(row.getValues(i)));
        }
        return object;
    }

    private static Object value(QueryValue v) {
        return switch (v.getKindCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INTEGER_VALUE -> v.getIntegerValue();
            // JSON has no NaN or infinity: those go as their names.
            case NUMBER_VALUE -> Double.isFinite(v.getNumberValue()) ? v.getNumberValue() : Double.toString(v.getNumberValue());
            case BOOL_VALUE -> v.getBoolValue();
            case TEXT_VALUE -> v.getTextValue();
            case NULL_VALUE, KIND_NOT_SET -> null;
        };
    }

    private static String text(QueryValue v) {
        return switch (v.getKindCase()) {
            case NUMBER_VALUE -> Double.isFinite(v.getNumberValue())
                    ? BigDecimal.valueOf(v.getNumberValue()).stripTrailingZeros().toPlainString()
                    : Double.toString(v.getNumberValue());
            case NULL_VALUE, KIND_NOT_SET -> "NULL";
            default -> String.valueOf(value(v));
        };
    }
}
