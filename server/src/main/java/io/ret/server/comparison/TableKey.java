package io.ret.server.comparison;

import java.util.List;

/**
 * How the rows of one file (or table) pair are keyed. {@link CsvDiffEngine} resolves it against
 * the two headers in {@link ColumnPlan}; which one applies is decided by the caller: the options
 * for a single pair, the schema and the request for a table of a conversion (see
 * {@link SchemaDiff}).
 */
sealed interface TableKey {
    /** Given by the user: must be on both sides; a repeated value pairs its rows as a multiset within the key. */
    record Given(List<String> columns) implements TableKey {
        public Given {
            columns = List.copyOf(columns);
        }
    }

    /**
     * The natural key a conversion's schema names for the table: must be on both sides; if a value
     * is empty or repeated, the whole table is compared as a multiset, with a warning.
     */
    record Natural(List<String> columns) implements TableKey {
        public Natural {
            columns = List.copyOf(columns);
        }
    }

    /** Look for an id-like column ({@link ColumnPlan#detectKey}); use it only if non-empty and unique. */
    record Detect() implements TableKey {
    }

    /** No key: rows are compared as a multiset (or aligned in order). */
    record None() implements TableKey {
    }

    /**
     * A key given for every file of a tree: used where both sides have its columns. A pair where
     * neither side has any of them is keyed by {@code otherwise}, with a warning; a pair where only
     * some are present fails, naming what is missing.
     */
    record Preferred(List<String> columns, TableKey otherwise) implements TableKey {
        public Preferred {
            columns = List.copyOf(columns);
        }
    }

    /** What the options alone say for one pair of files. */
    static TableKey of(DiffOptions options) {
        if (!options.keyColumns().isEmpty()) {
            return new Given(options.keyColumns());
        }
        return options.keyless() || options.ordered() ? new None() : new Detect();
    }
}
