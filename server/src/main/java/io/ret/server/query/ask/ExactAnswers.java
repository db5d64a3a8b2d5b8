package io.ret.server.query.ask;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.platform.error.ApiException;
import io.ret.server.query.CancelSignal;
import io.ret.server.query.ResultColumn;
import io.ret.server.query.SqlSandbox;
import io.ret.server.query.SqlTable;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.SessionStore;

/**
 * The offline exact answerer: plans the question ({@link QuestionPlanner}), runs the SQL
 * in the sandbox over every session of the collection that has the table (one statement:
 * the sessions' views side by side, unioned by column name), and writes the figure, the
 * SQL and, when few, the rows it counted with their natural keys.
 */
public final class ExactAnswers implements TabularAnswerer {
    private static final Logger LOG = Logger.getLogger(ExactAnswers.class.getName());
    /** Rows cited one by one when an answer rests on at most this many. */
    static final int CITED_ROWS = 5;
    static final String ROW = "__row";

    private final SessionStore sessions;
    private final SessionDictionaries dictionaries;
    private final SqlSandbox sandbox;
    private final SqlSandbox citing;
    private final QuestionPlanner planner = new QuestionPlanner();

    public ExactAnswers(SessionStore sessions, SessionDictionaries dictionaries, SqlSandbox sandbox) {
        this.sessions = sessions;
        this.dictionaries = dictionaries;
        this.sandbox = sandbox;
        this.citing = RowCitations.citing(sandbox.settings());
    }

    /** A session of the collection, with its targets and dictionary. */
    record Indexed(SessionRecord session, SqlSandbox.Target target, ValueDictionary dictionary) {
    }

    @Override
    public Outcome answer(List<String> sessionIds, String question) {
        if (!QuestionPlanner.asksForFigures(question)) {
            return new NotTabular(); // most questions: no session or dictionary is touched
        }
        List<Indexed> indexed = indexed(sessionIds);
        if (indexed.isEmpty()) {
            return new NotTabular();
        }
        return switch (planner.plan(question, tables(indexed))) {
            case QuestionPlanner.NotTabular n -> new NotTabular();
            case QuestionPlanner.Unplanned u -> new Declined(declined(u.reason()));
            case QuestionPlanner.Planned p -> run(p.query(), indexed);
        };
    }

    static String declined(String reason) {
        return "I could not compute this exactly from the tables (" + reason + "), so this answer comes from"
                + " retrieved rows and may be incomplete. ";
    }

    List<Indexed> indexed(List<String> sessionIds) {
        List<Indexed> out = new ArrayList<>();
        for (String id : sessionIds) {
            Optional<SessionRecord> session = sessions.get(id).filter(SessionRecord::hasOutputs);
            if (session.isEmpty()) {
                continue;
            }
            try {
                out.add(new Indexed(session.get(), dictionaries.target(session.get()), dictionaries.of(session.get())));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "session " + id + " cannot be queried; its tables are left out of exact answers", e);
            }
        }
        return out;
    }

    /** The tables of all sessions by view name, their known values merged. */
    static List<QuestionPlanner.Table> tables(List<Indexed> indexed) {
        Map<String, SqlTable> first = new LinkedHashMap<>();
        Map<String, Map<String, ValueDictionary.Column>> columns = new LinkedHashMap<>();
        for (Indexed session : indexed) {
            for (SqlTable table : session.target().tables()) {
                first.putIfAbsent(table.name(), table);
                Map<String, ValueDictionary.Column> merged = columns.computeIfAbsent(table.name(), k -> new LinkedHashMap<>());
                session.dictionary().table(table.name()).forEach((name, column) -> merged.merge(name, column,
                        (a, b) -> new ValueDictionary.Column(a.kind(), List.copyOf(new LinkedHashSet<>(concat(a.values(), b.values()))),
                                a.unique() && b.unique() && java.util.Collections.disjoint(a.values(), b.values()))));
            }
        }
        return first.values().stream().map(t -> new QuestionPlanner.Table(t, columns.get(t.name()))).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Outcome run(TabularQuery query, List<Indexed> indexed) {
        List<Indexed> having = indexed.stream()
                .filter(s -> s.target().tables().stream().anyMatch(t -> t.name().equals(query.table()))).toList();
        String sql = query.sql(from(query.table(), having.size()));
        Result result;
        try {
            result = Result.of(sandbox, having.stream().map(Indexed::target).toList(), sql);
        } catch (ApiException e) {
            // a statement the planner built and DuckDB refused (say, a cast): retrieval answers instead
            LOG.warning("planned SQL failed (" + e.reason() + "): " + e.getMessage());
            return new Declined(declined("the planned query failed"));
        }
        List<Source> sources = new ArrayList<>();
        SqlTable table = having.getFirst().target().tables().stream().filter(t -> t.name().equals(query.table()))
                .findFirst().orElseThrow();
        sources.add(new Source(1, having.getFirst().session().id(), table.file(), 0, sql, sql));
        List<RowCitations.CitedRow> rows;
        try {
            rows = RowCitations.rows(query, sql, result, having, citing);
        } catch (ApiException e) {
            // citing reads every column: a value of another column that does not parse leaves the figure uncited
            LOG.warning("rows behind an exact answer not cited (" + e.reason() + "): " + e.getMessage());
            rows = List.of();
        }
        rows.forEach(r -> sources.add(r.source()));
        return new Answered(AnswerText.write(query, table, result, rows, sql), sources, "");
    }

    /** One view, or the same view of several sessions unioned by column name. */
    static String from(String view, int sessions) {
        if (sessions == 1) {
            return TabularQuery.quote(view);
        }
        StringJoiner union = new StringJoiner(" UNION ALL BY NAME ", "(", ") AS " + TabularQuery.quote(view));
        for (int i = 0; i < sessions; i++) {
            union.add("SELECT * FROM " + SqlSandbox.catalog(i, sessions) + "." + TabularQuery.quote(view));
        }
        return union.toString();
    }

    /** A statement's whole (small) result. */
    record Result(List<ResultColumn> columns, List<List<Object>> rows, boolean truncated) {
        static Result of(SqlSandbox sandbox, List<SqlSandbox.Target> targets, String sql) {
            List<ResultColumn> columns = new ArrayList<>();
            List<List<Object>> rows = new ArrayList<>();
            var outcome = sandbox.run(targets, sql, 200, CancelSignal.NEVER, ValueDictionary.collect(columns, rows));
            return new Result(columns, rows, outcome.truncated());
        }

        Object value(int row, String column) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(column)) {
                    return rows.get(row).get(i);
                }
            }
            return null;
        }
    }

    /** A figure as people write it: integers as they are, other numbers to at most six decimals. */
    static String figure(Object value) {
        return switch (value) {
            case null -> "no value (no rows matched)";
            case Double d when d.isNaN() || d.isInfinite() -> d.toString();
            case Double d -> BigDecimal.valueOf(d).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
            default -> value.toString();
        };
    }
}
