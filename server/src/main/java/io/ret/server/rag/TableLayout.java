package io.ret.server.rag;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.TableSchema;

/**
 * What the conversion's schema ({@code datapackage.json}) says about the tables chat
 * reads: which columns are the conversion's own (surrogate row numbers, provenance) and
 * so are left out of chunk text, and which columns are a row's natural key, its
 * parent's first for a child table. A conversion without a schema (older outputs)
 * gives an empty layout: every column is kept and no key is known.
 */
public final class TableLayout {
    private static final Logger LOG = Logger.getLogger(TableLayout.class.getName());
    private static final TableLayout NONE = new TableLayout(Optional.empty());

    private final Optional<DataPackage> schema;

    private TableLayout(Optional<DataPackage> schema) {
        this.schema = schema;
    }

    /** The layout of the outputs in {@code root}; empty when it has no (readable) schema. */
    public static TableLayout of(Path root) {
        if (!DataPackage.exists(root)) {
            return NONE;
        }
        try {
            return new TableLayout(Optional.of(DataPackage.read(root)));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "ignoring the unreadable schema in {0}: {1}", new Object[] {root, e.getMessage()});
            return NONE;
        }
    }

    public static TableLayout of(DataPackage schema) {
        return new TableLayout(Optional.of(schema));
    }

    public static TableLayout none() {
        return NONE;
    }

    /**
     * Columns left out of the chunk text of {@code file}: surrogates and provenance. A child
     * table keeps them when the schema names no parent-key columns, as they are then the only
     * link to its parent.
     */
    public Set<String> hidden(String file) {
        Optional<TableSchema> table = schema.flatMap(s -> s.tableAt(file));
        if (table.isEmpty() || (table.get().isChild() && table.get().parentKey().isEmpty())) {
            return Set.of();
        }
        Set<String> hidden = new HashSet<>();
        table.get().columns().stream()
                .filter(c -> c.role() == ColumnRole.SURROGATE || c.role() == ColumnRole.PROVENANCE)
                .forEach(c -> hidden.add(c.name()));
        return hidden;
    }

    /**
     * The natural key of one row of {@code file} as {@code column=value} pairs, the parent's
     * key first for a child table ("order_id=ORD-7, line=2"); empty when the schema names no key.
     *
     * @param header the CSV header as chunked (hidden columns already left out)
     * @param row    that row's values, in header order
     */
    public String key(String file, List<String> header, List<String> row) {
        Optional<TableSchema> table = schema.flatMap(s -> s.tableAt(file));
        if (table.isEmpty() || table.get().primaryKey().isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String column : table.get().primaryKey()) {
            int i = header.indexOf(column);
            if (i < 0 || i >= row.size()) {
                return "";
            }
            parts.add(column + "=" + row.get(i));
        }
        return String.join(", ", parts);
    }
}
