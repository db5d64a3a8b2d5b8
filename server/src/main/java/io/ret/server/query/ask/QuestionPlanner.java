package io.ret.server.query.ask;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ret.server.query.SqlTable;
import io.ret.server.query.ValueKind;
import io.ret.server.query.ask.TabularQuery.Shape;

/**
 * The offline planner: turns the common shapes of tabular questions into SQL with no
 * model. Words of the question are linked to table names, column names and the values
 * that occur in the columns (the value dictionary); the shape comes from a few cue
 * words. It plans only what it can link completely: a question that asks for a figure
 * but names no table, value or measure it can find is {@link Unplanned}, and the
 * caller says so before falling back to retrieval.
 */
final class QuestionPlanner {
    private static final int LIST_LIMIT = 20;
    private static final Pattern COMPARISON = Pattern.compile(
            "(more than|greater than|over|above|at least|less than|fewer than|under|below|at most)\\s+(-?\\d+(?:\\.\\d+)?)");
    /** A token of letters and digits mixed (E48213, SKU-48213, ORD-2024-17): names one record. */
    private static final Pattern IDENTIFIER = Pattern.compile(
            "(?<![\\p{L}\\p{N}])(?=[\\p{L}\\p{N}-]*\\p{N})(?=[\\p{L}\\p{N}-]*\\p{L})[\\p{L}\\p{N}]+(?:-[\\p{L}\\p{N}]+)*(?![\\p{L}\\p{N}])");
    /** "which department", "what colour": the question asks for a column's value of some record. */
    private static final Pattern WHICH = Pattern.compile("^(?:which|what)\\s+([\\p{L}\\p{N}_]+)");
    /** "hired in 2015", "orders from 2023": a year to match a date column's year. */
    private static final Pattern YEAR = Pattern.compile("(?<![\\p{L}\\p{N}])(?:in|during|from|of)\\s+(1[89]\\d\\d|2\\d\\d\\d)(?![\\p{L}\\p{N}])");

    /** A table with what is known about its columns, merged over the collection's sessions. */
    record Table(SqlTable table, Map<String, ValueDictionary.Column> columns) {
        boolean numeric(String column) {
            ValueDictionary.Column c = columns.get(column);
            return c != null && (c.kind() == ValueKind.INTEGER || c.kind() == ValueKind.NUMBER || c.kind() == ValueKind.DECIMAL);
        }

        boolean unique(String column) {
            ValueDictionary.Column c = columns.get(column);
            return c != null && c.unique();
        }

        boolean date(String column) {
            ValueDictionary.Column c = columns.get(column);
            return c != null && (c.kind() == ValueKind.DATE || c.kind() == ValueKind.TIMESTAMP);
        }

        boolean data(String column) {
            return table.columns().stream().noneMatch(c -> c.name().equals(column) && !c.data());
        }
    }

    sealed interface Plan {
    }

    record Planned(TabularQuery query) implements Plan {
    }

    /** @param reason why no query was made, for the user */
    record Unplanned(String reason) implements Plan {
    }

    record NotTabular() implements Plan {
    }

    private record Link(Table table, int score, List<TabularQuery.Filter> filters, List<String> mentioned) {
    }

    Plan plan(String question, List<Table> tables) {
        QuestionWords q = QuestionWords.of(question);
        Optional<Shape> cue = shape(q);
        if (cue.isEmpty()) {
            return new NotTabular();
        }
        Shape shape = cue.get();
        if (q.has("not") || q.has("except") || q.has("without") || q.hasPhrase("other than")) {
            return shape == Shape.LIST ? new NotTabular() : new Unplanned("the question excludes values, which the offline planner does not do");
        }
        Optional<Link> best = tables.stream().map(t -> link(q, t)).filter(l -> l.score() > 0)
                .max(Comparator.comparingInt(Link::score));
        if (best.isEmpty()) {
            return shape == Shape.LIST ? new NotTabular() : new Unplanned("no table, column or value of this collection matches its words");
        }
        Link link = best.get();
        Table table = link.table();
        if (aboutOneRecord(q, link) || shape == Shape.LIST && (link.filters().isEmpty() || asksForAColumn(q, table))) {
            // "the phone number of employee E48213", "which department does Ada work in": one record's
            // value, which is retrieval's job (counting all rows or listing matches would answer another question)
            return new NotTabular();
        }
        List<TabularQuery.Filter> filters = new ArrayList<>(link.filters());
        year(q, table, link.mentioned()).ifPresent(filters::add);
        String measure = null;
        if (shape != Shape.COUNT && shape != Shape.LIST) {
            Optional<String> m = measure(table, link.mentioned());
            if (m.isEmpty()) {
                return new Unplanned("it asks for a " + shape.label + " but names no numeric column of table "
                        + table.table().name() + " it could be");
            }
            measure = m.get();
        }
        Matcher comparison = COMPARISON.matcher(q.text());
        while (comparison.find()) {
            Optional<String> column = measure != null ? Optional.of(measure) : measure(table, link.mentioned());
            if (column.isEmpty()) {
                return new Unplanned("it compares with " + comparison.group(2) + " but names no numeric column to compare");
            }
            filters.add(new TabularQuery.Compare(column.get(), operator(comparison.group(1)), new BigDecimal(comparison.group(2))));
        }
        Integer n = q.count();
        String groupBy = groupBy(table, link.mentioned(), filters, measure);
        if ((shape == Shape.MAX || shape == Shape.MIN) && (n != null || asksForRows(q) && groupBy == null)) {
            // "which 2 employees earn most", "who earns the highest salary": the rows, not the figure
            shape = shape == Shape.MAX ? Shape.TOP : Shape.BOTTOM;
        }
        if ((shape == Shape.TOP || shape == Shape.BOTTOM) && groupBy != null) {
            // "which three customers spent most": the groups with the largest totals
            return new Planned(new TabularQuery(Shape.SUM, table.table().name(), measure, filters, groupBy,
                    n == null ? 1 : n));
        }
        if (shape == Shape.TOP || shape == Shape.BOTTOM) {
            return new Planned(new TabularQuery(shape, table.table().name(), measure, filters, null, n == null ? 1 : n));
        }
        return new Planned(new TabularQuery(shape, table.table().name(), measure, filters, shape == Shape.LIST ? null : groupBy,
                groupBy == null ? LIST_LIMIT : 50));
    }

    /**
     * An identifier in the question that no linked value covers, or that a column of unique values
     * (an id column) holds: the question is about that one record, not a figure over many.
     */
    private static boolean aboutOneRecord(QuestionWords q, Link link) {
        Matcher id = IDENTIFIER.matcher(q.text());
        while (id.find()) {
            String token = id.group();
            boolean countable = link.filters().stream().anyMatch(f -> f instanceof TabularQuery.Equals e
                    && !link.table().unique(e.column())
                    && e.values().stream().anyMatch(v -> QuestionWords.normalize(v).contains(token)));
            if (!countable) {
                return true;
            }
        }
        return false;
    }

    /** "Which department ...", "what colour ...": the word after which/what is one of the table's columns. */
    private static boolean asksForAColumn(QuestionWords q, Table table) {
        Matcher which = WHICH.matcher(q.text());
        if (!which.find()) {
            return false;
        }
        String word = QuestionWords.singular(which.group(1));
        return table.columns().keySet().stream().filter(table::data)
                .anyMatch(c -> QuestionWords.nameWords(c).equals(List.of(word)));
    }

    /** "who ...", "which (three) employees ...": the answer is rows (people, products), not a figure. */
    private static boolean asksForRows(QuestionWords q) {
        return q.has("who") || q.has("whom") || q.has("whose") || q.has("which");
    }

    /** "hired in 2015": a year, and a date column the question names (or the table's only one). */
    private static Optional<TabularQuery.Filter> year(QuestionWords q, Table table, List<String> mentioned) {
        Matcher year = YEAR.matcher(q.text());
        if (!year.find()) {
            return Optional.empty();
        }
        List<String> dates = table.columns().keySet().stream().filter(table::data).filter(table::date).toList();
        List<String> named = dates.stream().filter(mentioned::contains).toList();
        List<String> candidates = named.isEmpty() ? dates : named;
        return candidates.size() == 1
                ? Optional.of(new TabularQuery.Year(candidates.getFirst(), Integer.parseInt(year.group(1))))
                : Optional.empty();
    }

    /** Whether the question has the cue words of a figure or a filtered list (how many, total, top, list...). */
    static boolean asksForFigures(String question) {
        return shape(QuestionWords.of(question)).isPresent();
    }

    private static Optional<Shape> shape(QuestionWords q) {
        if (q.hasPhrase("how many") || q.countsNumberOf() || q.has("count")) {
            return Optional.of(Shape.COUNT);
        }
        if (q.has("average") || q.has("mean") || q.has("avg")) {
            return Optional.of(Shape.AVG);
        }
        if (q.has("total") || q.has("sum") || q.has("altogether") || q.has("combined")) {
            return Optional.of(Shape.SUM);
        }
        if (q.has("top") || q.has("highest") || q.has("largest") || q.has("biggest") || q.has("maximum") || q.has("max")
                || q.has("most") || q.has("greatest")) {
            return Optional.of(q.has("top") ? Shape.TOP : Shape.MAX);
        }
        if (q.has("lowest") || q.has("smallest") || q.has("minimum") || q.has("min") || q.has("least") || q.has("cheapest")) {
            return Optional.of(Shape.MIN);
        }
        if (q.has("list") || q.has("show") || q.has("which") || q.hasPhrase("what are")) {
            return Optional.of(Shape.LIST);
        }
        return Optional.empty();
    }

    /** Links the question to one table: its name, its columns' names, and values found in its columns. */
    private static Link link(QuestionWords q, Table table) {
        int score = q.mentions(table.table().name()) ? 3 : 0;
        List<String> mentioned = new ArrayList<>();
        for (String column : table.columns().keySet()) {
            if (table.data(column) && q.mentions(column)) {
                mentioned.add(column);
                score++;
            }
        }
        Map<String, List<String>> matched = new LinkedHashMap<>();
        List<int[]> claimed = new ArrayList<>();
        record Candidate(String column, String value) {
        }
        List<Candidate> candidates = new ArrayList<>();
        table.columns().forEach((column, c) -> {
            if (table.data(column)) {
                c.values().forEach(v -> candidates.add(new Candidate(column, v)));
            }
        });
        // longer values first, so "New York" wins over "York"; a column named in the question wins a shared value
        candidates.sort(Comparator.comparingInt((Candidate c) -> -c.value().length())
                .thenComparing(c -> mentioned.contains(c.column()) ? 0 : 1));
        for (Candidate candidate : candidates) {
            String value = QuestionWords.normalize(candidate.value());
            if (value.length() < 2 || QuestionWords.STOPWORDS.contains(value)) {
                continue;
            }
            Matcher m = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(value) + "(?![\\p{L}\\p{N}])").matcher(q.text());
            while (m.find()) {
                int start = m.start();
                int end = m.end();
                if (claimed.stream().noneMatch(span -> start < span[1] && end > span[0])) {
                    claimed.add(new int[] {start, end});
                    matched.computeIfAbsent(candidate.column(), k -> new ArrayList<>()).add(candidate.value());
                    score += 2;
                    break;
                }
            }
        }
        List<TabularQuery.Filter> filters = new ArrayList<>();
        matched.forEach((column, values) -> filters.add(new TabularQuery.Equals(column, values)));
        return new Link(table, score, filters, mentioned);
    }

    /** The numeric column the question is about: the one it names, else the table's only numeric data column. */
    private static Optional<String> measure(Table table, List<String> mentioned) {
        List<String> named = mentioned.stream().filter(table::numeric).filter(c -> !table.table().primaryKey().contains(c)).toList();
        if (named.size() == 1) {
            return Optional.of(named.getFirst());
        }
        if (named.size() > 1) {
            return Optional.empty();
        }
        List<String> numeric = table.columns().keySet().stream().filter(table::numeric).filter(table::data)
                .filter(c -> !table.table().primaryKey().contains(c)).toList();
        return numeric.size() == 1 ? Optional.of(numeric.getFirst()) : Optional.empty();
    }

    /** "per city", "by status", "for each customer", "which customers": a named text column not used as a filter. */
    private static String groupBy(Table table, List<String> mentioned, List<TabularQuery.Filter> filters, String measure) {
        for (String column : mentioned) {
            if (column.equals(measure) || table.numeric(column)
                    || filters.stream().anyMatch(f -> f.column().equals(column))) {
                continue;
            }
            return column;
        }
        return null;
    }

    private static String operator(String words) {
        return switch (words) {
            case "more than", "greater than", "over", "above" -> ">";
            case "at least" -> ">=";
            case "less than", "fewer than", "under", "below" -> "<";
            default -> "<=";
        };
    }
}
