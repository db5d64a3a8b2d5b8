package io.ret.server.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.TableSchema;
import io.ret.server.session.OutputRecord;

/**
 * The tables of one session's outputs, as SQL sees them: from the conversion's
 * {@code datapackage.json} when there is one (typed, with keys), else one untyped
 * table per CSV output (a CSV archive).
 */
public final class SessionTables {
    private SessionTables() {
    }

    public static List<SqlTable> of(Path outputsDir, List<OutputRecord> outputs) {
        if (DataPackage.exists(outputsDir)) {
            try {
                return fromSchema(DataPackage.read(outputsDir));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable schema in " + outputsDir.getFileName(), e);
            }
        }
        Set<String> taken = new HashSet<>();
        return outputs.stream().filter(o -> o.path().toLowerCase(Locale.ROOT).endsWith(".csv"))
                .map(o -> new SqlTable(unique(viewName(o.path().substring(0, o.path().length() - 4)), taken), "", o.path(),
                        o.columns().stream().map(c -> new SqlColumn(c, Optional.empty(), ColumnRole.DATA)).toList(), List.of(), "",
                        List.of(), o.rows()))
                .toList();
    }

    static List<SqlTable> fromSchema(DataPackage schema) {
        Set<String> taken = new HashSet<>();
        Map<String, String> views = new HashMap<>();
        for (TableSchema table : schema.tables()) {
            views.put(table.name(), unique(viewName(table.name()), taken));
        }
        return schema.tables().stream().map(t -> new SqlTable(views.get(t.name()), t.name(), t.path(),
                t.columns().stream().map(SessionTables::column).toList(), t.primaryKey(),
                t.isChild() ? views.getOrDefault(t.parent(), "") : "", t.parentKey(), t.rows())).toList();
    }

    private static SqlColumn column(ColumnSchema c) {
        return new SqlColumn(c.name(), Optional.of(c.type()), c.role());
    }

    /** DuckDB's reserved keywords ({@code duckdb_keywords()}, category reserved): not usable unquoted as a table name. */
    private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
            "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint", "create", "default",
            "deferrable", "desc", "describe", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign",
            "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral", "leading", "limit",
            "not", "null", "offset", "on", "only", "or", "order", "pivot", "pivot_longer", "pivot_wider", "placing",
            "primary", "qualify", "references", "returning", "select", "show", "some", "summarize", "symmetric", "table",
            "then", "to", "trailing", "true", "union", "unique", "unpivot", "using", "variadic", "when", "where", "window",
            "with");

    /**
     * A table name as an SQL identifier that needs no quotes: lower case letters, digits and
     * underscores, not starting with a digit; a reserved word gets a trailing underscore
     * ({@code order} becomes {@code order_}).
     */
    static String viewName(String name) {
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_").replaceAll("^_+|_+$", "");
        if (cleaned.isEmpty() || Character.isDigit(cleaned.charAt(0))) {
            cleaned = "t_" + cleaned;
        }
        return RESERVED.contains(cleaned) ? cleaned + "_" : cleaned;
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int n = 2; !taken.add(candidate); n++) {
            candidate = name + "_" + n;
        }
        return candidate;
    }
}
