package io.ret.server.query.ask;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;

import io.ret.server.query.CancelSignal;
import io.ret.server.query.QuerySettings;
import io.ret.server.query.ResultColumn;
import io.ret.server.query.SqlSandbox;
import io.ret.server.query.SqlTable;
import io.ret.server.query.ask.TabularAnswerer.Source;
import io.ret.server.query.ask.TabularQuery.Shape;

/**
 * The rows an exact answer rests on, when there are few: each with its session, file,
 * 1-based data row and natural key. Row numbers come from {@code row_number() OVER ()}
 * on a single-threaded scan, which numbers the rows in file order.
 */
final class RowCitations {
    /** One cited row: its source and the natural key it is named by. */
    record CitedRow(Source source, String label, List<ResultColumn> columns, List<Object> values) {
        Object value(String column) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(column)) {
                    return values.get(i);
                }
            }
            return null;
        }
    }

    private RowCitations() {
    }

    static SqlSandbox citing(QuerySettings settings) {
        return new SqlSandbox(new QuerySettings(ExactAnswers.CITED_ROWS + 1, settings.memoryMb(), 1, settings.maxDuration()));
    }

    /** The rows behind {@code result}, or none when more than {@link ExactAnswers#CITED_ROWS} (or grouped). */
    static List<CitedRow> rows(TabularQuery query, String statement, ExactAnswers.Result result,
                               List<ExactAnswers.Indexed> sessions, SqlSandbox sandbox) {
        if (query.groupBy() != null || result.rows().isEmpty()) {
            return List.of();
        }
        String where = query.where();
        String order = "";
        int limit = ExactAnswers.CITED_ROWS + 1;
        switch (query.shape()) {
            case MIN, MAX -> {
                Object extreme = result.rows().getFirst().getFirst();
                if (extreme == null) {
                    return List.of();
                }
                where += (where.isEmpty() ? " WHERE " : " AND ") + TabularQuery.quote(query.measure()) + " = " + extreme;
            }
            case TOP, BOTTOM -> {
                order = " ORDER BY " + TabularQuery.quote(query.measure()) + (query.shape() == Shape.TOP ? " DESC" : " ASC")
                        + " NULLS LAST, " + ExactAnswers.ROW;
                limit = query.limit();
            }
            default -> {
            }
        }
        List<CitedRow> rows = new ArrayList<>();
        for (ExactAnswers.Indexed session : sessions) {
            SqlTable table = session.target().tables().stream().filter(t -> t.name().equals(query.table())).findFirst()
                    .orElseThrow();
            String sql = "SELECT * FROM (SELECT *, row_number() OVER () AS " + ExactAnswers.ROW + " FROM "
                    + TabularQuery.quote(table.name()) + ")" + where + (order.isEmpty() ? " ORDER BY " + ExactAnswers.ROW : order)
                    + " LIMIT " + limit;
            List<ResultColumn> columns = new ArrayList<>();
            List<List<Object>> found = new ArrayList<>();
            sandbox.run(List.of(session.target()), sql, limit, CancelSignal.NEVER, ValueDictionary.collect(columns, found));
            for (List<Object> values : found) {
                rows.add(cited(session, table, columns, values, statement));
            }
        }
        if (query.shape() == Shape.TOP || query.shape() == Shape.BOTTOM) {
            Comparator<CitedRow> byMeasure = Comparator.comparingDouble(r -> number(r.value(query.measure())));
            rows.sort(query.shape() == Shape.TOP ? byMeasure.reversed() : byMeasure);
            return number(rows.subList(0, Math.min(rows.size(), Math.min(query.limit(), ExactAnswers.CITED_ROWS))));
        }
        return rows.size() > ExactAnswers.CITED_ROWS ? List.of() : number(rows);
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NEGATIVE_INFINITY;
    }

    /** Markers 2.. in order (1 is the statement). */
    private static List<CitedRow> number(List<CitedRow> rows) {
        List<CitedRow> out = new ArrayList<>();
        for (CitedRow r : rows) {
            Source s = r.source();
            out.add(new CitedRow(new Source(out.size() + 2, s.sessionId(), s.file(), s.row(), s.snippet(), s.sql()),
                    r.label(), r.columns(), r.values()));
        }
        return out;
    }

    private static CitedRow cited(ExactAnswers.Indexed session, SqlTable table, List<ResultColumn> columns,
                                  List<Object> values, String sql) {
        List<ResultColumn> shown = columns.subList(0, columns.size() - 1);
        List<Object> data = values.subList(0, values.size() - 1);
        long row = ((Number) values.getLast()).longValue();
        StringJoiner header = new StringJoiner(",");
        StringJoiner line = new StringJoiner(",");
        for (int i = 0; i < shown.size(); i++) {
            header.add(csv(shown.get(i).name()));
            line.add(data.get(i) == null ? "" : csv(ExactAnswers.figure(data.get(i))));
        }
        CitedRow partial = new CitedRow(null, "", shown, data);
        List<String> key = new ArrayList<>(table.primaryKey().isEmpty() ? List.of(shown.getFirst().name()) : table.primaryKey());
        // a row is known by its name as much as by its key: "@id E48213, name Hugo Roux"
        table.columns().stream().filter(c -> c.data() && !key.contains(c.name()))
                .filter(c -> QuestionWords.nameWords(c.name()).contains("name")).forEach(c -> key.add(c.name()));
        StringJoiner label = new StringJoiner(", ");
        for (String column : key) {
            if (partial.value(column) != null) {
                label.add(column + " " + ExactAnswers.figure(partial.value(column)));
            }
        }
        return new CitedRow(new Source(0, session.session().id(), table.file(), row, header + "\n" + line, sql),
                label.toString(), shown, data);
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
