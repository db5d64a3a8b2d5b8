package io.ret.server.query.ask;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.ret.server.query.SqlSandbox;
import io.ret.server.query.ValueKind;

/** What the chat model is told about a collection's tables before it writes SQL. */
final class SchemaPrompt {
    private static final int SAMPLE_VALUES = 5;

    private SchemaPrompt() {
    }

    private static String sqlType(ValueKind kind) {
        return switch (kind) {
            case STRING -> "VARCHAR";
            case INTEGER -> "BIGINT";
            case NUMBER -> "DOUBLE";
            default -> kind.name();
        };
    }

    static String write(List<ExactAnswers.Indexed> sessions) {
        StringBuilder prompt = new StringBuilder("""
                You answer questions about tabular data exactly. When a question needs counting, sums, averages,
                minimum or maximum, top-N, filters or grouping, call run_sql with one DuckDB SELECT statement and
                answer from its result: state the figure, cite it as [1], and show the SQL. Never guess a figure.
                Quote identifiers with double quotes. Tables:
                """);
        int count = sessions.size();
        if (count > 1) {
            prompt.append("The data comes from ").append(count).append(" sessions; each table exists once per session as ")
                    .append(SqlSandbox.catalog(0, count)).append(".\"table\" ... ").append(SqlSandbox.catalog(count - 1, count))
                    .append(".\"table\"; combine them with UNION ALL BY NAME.\n");
        }
        for (QuestionPlanner.Table table : ExactAnswers.tables(sessions)) {
            var t = table.table();
            prompt.append("\nTable \"").append(t.name()).append('"');
            if (!t.primaryKey().isEmpty()) {
                prompt.append(", key (").append(String.join(", ", t.primaryKey())).append(')');
            }
            if (!t.parent().isEmpty()) {
                prompt.append(", child of \"").append(t.parent()).append("\" through (").append(String.join(", ", t.parentKey()))
                        .append(')');
            }
            if (t.rows() > 0) {
                prompt.append(", ").append(t.rows()).append(" rows");
            }
            prompt.append(":\n");
            for (Map.Entry<String, ValueDictionary.Column> column : table.columns().entrySet()) {
                prompt.append("  \"").append(column.getKey()).append("\" ").append(sqlType(column.getValue().kind()));
                List<String> values = column.getValue().values();
                if (!values.isEmpty()) {
                    StringJoiner sample = new StringJoiner(", ", " e.g. ", values.size() > SAMPLE_VALUES ? ", ..." : "");
                    values.stream().limit(SAMPLE_VALUES).forEach(v -> sample.add("'" + v.replace("'", "''") + "'"));
                    prompt.append(sample);
                }
                prompt.append('\n');
            }
        }
        return prompt.toString();
    }
}
