package io.ret.server.query.ask;

import java.util.List;
import java.util.StringJoiner;

import io.ret.server.query.SqlTable;
import io.ret.server.query.ask.TabularQuery.Shape;

/** Writes an exact answer: the figure first, then the rows it rests on, then the SQL. */
final class AnswerText {
    private AnswerText() {
    }

    static String write(TabularQuery query, SqlTable table, ExactAnswers.Result result, List<RowCitations.CitedRow> rows,
                        String sql) {
        StringBuilder text = new StringBuilder();
        String where = query.filters().isEmpty() ? "" : " where " + query.conditions();
        String name = table.name();
        if (query.single()) {
            Object value = result.rows().getFirst().getFirst();
            if (query.shape() == Shape.COUNT) {
                text.append(ExactAnswers.figure(value)).append(" rows of ").append(name).append(where.isEmpty() ? "" : " match")
                        .append(where.isEmpty() ? " in all" : where.replaceFirst(" where", "")).append(" [1].");
            } else {
                text.append("The ").append(query.shape().label).append(" of ").append(query.measure()).append(" over ")
                        .append(name).append(" rows").append(where).append(" is ").append(ExactAnswers.figure(value))
                        .append(" [1].");
            }
            if (!rows.isEmpty()) {
                StringJoiner cited = new StringJoiner(", ", query.shape() == Shape.MIN || query.shape() == Shape.MAX
                        ? " The row(s) with it: " : " The rows counted: ", ".");
                rows.forEach(r -> cited.add(r.label() + " [" + r.source().marker() + "]"));
                text.append(cited);
            }
        } else if (query.groupBy() != null) {
            text.append("The ").append(query.shape().label).append(query.measure() == null ? " of rows" : " of " + query.measure())
                    .append(" per ").append(query.groupBy()).append(" in ").append(name).append(where)
                    .append(", largest first [1]:");
            for (List<Object> row : result.rows()) {
                text.append("\n- ").append(ExactAnswers.figure(row.get(0))).append(": ").append(ExactAnswers.figure(row.get(1)));
            }
        } else if (query.shape() == Shape.TOP || query.shape() == Shape.BOTTOM) {
            text.append("The ").append(result.rows().size()).append(" ").append(name).append(" rows").append(where)
                    .append(" with the ").append(query.shape().label).append(" ").append(query.measure()).append(" [1]:");
            lines(text, query, result, rows);
        } else {
            text.append(result.rows().size()).append(result.truncated() ? " or more" : "").append(" rows of ").append(name)
                    .append(" match").append(where.replaceFirst(" where", "")).append(" [1]:");
            lines(text, query, result, rows);
        }
        return text.append("\n\nComputed exactly from the tables with this SQL:\n```sql\n").append(sql).append("\n```").toString();
    }

    /** One line per result row: its natural key (the cited row's marker when it was cited) and the measure. */
    private static void lines(StringBuilder text, TabularQuery query, ExactAnswers.Result result, List<RowCitations.CitedRow> rows) {
        for (int i = 0; i < result.rows().size(); i++) {
            if (i < rows.size()) {
                RowCitations.CitedRow row = rows.get(i);
                text.append("\n- ").append(row.label());
                if (query.measure() != null) {
                    text.append(": ").append(query.measure()).append(" ").append(ExactAnswers.figure(row.value(query.measure())));
                }
                text.append(" [").append(row.source().marker()).append("]");
            } else {
                StringJoiner values = new StringJoiner(", ");
                for (int c = 0; c < result.columns().size() && c < 4; c++) {
                    values.add(result.columns().get(c).name() + " " + ExactAnswers.figure(result.rows().get(i).get(c)));
                }
                text.append("\n- ").append(values);
            }
        }
    }
}
