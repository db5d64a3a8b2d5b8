package io.ret.server.query.ask;

import java.math.BigDecimal;
import java.util.List;
import java.util.StringJoiner;

/**
 * A question turned into one SQL statement over one table (the same view in every
 * session of a collection).
 *
 * @param measure  the numeric column aggregated or ordered by; null for COUNT and LIST
 * @param groupBy  a column to group by; null for none
 * @param limit    rows returned (top-N, or the listed rows)
 */
record TabularQuery(Shape shape, String table, String measure, List<Filter> filters, String groupBy, int limit) {
    enum Shape {
        COUNT("count(*)", "count"), SUM("sum", "total"), AVG("avg", "average"), MIN("min", "minimum"),
        MAX("max", "maximum"), TOP(null, "highest"), BOTTOM(null, "lowest"), LIST(null, "rows");

        final String function;
        final String label;

        Shape(String function, String label) {
            this.function = function;
            this.label = label;
        }

        boolean aggregate() {
            return this == COUNT || this == SUM || this == AVG || this == MIN || this == MAX;
        }
    }

    sealed interface Filter {
        String column();
    }

    record Equals(String column, List<String> values) implements Filter {
    }

    record Compare(String column, String operator, BigDecimal number) implements Filter {
    }

    /** A date or timestamp column's year. */
    record Year(String column, int year) implements Filter {
    }

    TabularQuery {
        filters = List.copyOf(filters);
    }

    /** Whether the result is one figure. */
    boolean single() {
        return shape.aggregate() && groupBy == null;
    }

    String resultName() {
        return shape.label;
    }

    /** @param from the table expression: a view name, or a union of the view over several sessions */
    String sql(String from) {
        String where = where();
        String m = measure == null ? null : quote(measure);
        String aggregate = shape == Shape.COUNT ? "count(*)" : shape.function + "(" + m + ")";
        return switch (shape) {
            case COUNT, SUM, AVG, MIN, MAX -> groupBy == null
                    ? "SELECT " + aggregate + " AS " + resultName() + " FROM " + from + where
                    : "SELECT " + quote(groupBy) + ", " + aggregate + " AS " + resultName() + " FROM " + from + where
                    + " GROUP BY " + quote(groupBy) + " ORDER BY " + resultName() + " DESC, " + quote(groupBy)
                    + " LIMIT " + limit;
            case TOP -> "SELECT * FROM " + from + where + " ORDER BY " + m + " DESC NULLS LAST LIMIT " + limit;
            case BOTTOM -> "SELECT * FROM " + from + where + " ORDER BY " + m + " ASC NULLS LAST LIMIT " + limit;
            case LIST -> "SELECT * FROM " + from + where + " LIMIT " + limit;
        };
    }

    /** The filter as SQL, starting with " WHERE ", or empty. */
    String where() {
        if (filters.isEmpty()) {
            return "";
        }
        StringJoiner and = new StringJoiner(" AND ", " WHERE ", "");
        for (Filter filter : filters) {
            and.add(switch (filter) {
                case Equals e when e.values().size() == 1 -> quote(e.column()) + " = " + literal(e.values().getFirst());
                case Equals e -> quote(e.column()) + " IN (" + String.join(", ", e.values().stream()
                        .map(TabularQuery::literal).toList()) + ")";
                case Compare c -> quote(c.column()) + " " + c.operator() + " " + c.number().toPlainString();
                case Year y -> "year(" + quote(y.column()) + ") = " + y.year();
            });
        }
        return and.toString();
    }

    /** The filter in words: "city = Oslo and status = unpaid". */
    String conditions() {
        StringJoiner and = new StringJoiner(" and ");
        for (Filter filter : filters) {
            and.add(switch (filter) {
                case Equals e -> e.column() + " = " + String.join(" or ", e.values());
                case Compare c -> c.column() + " " + c.operator() + " " + c.number().toPlainString();
                case Year y -> y.column() + " in " + y.year();
            });
        }
        return and.toString();
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
