package io.ret.server.conversion;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ret.server.conversion.schema.ColumnRole;
import io.ret.server.conversion.schema.ColumnSchema;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.TableSchema;

/**
 * Carries the layout of an earlier conversion into a new one, so next month's export
 * converts to the same tables and columns: the earlier columns are put into the new
 * archive-wide schema before any file (so they keep their order, and stay, empty, when
 * the data no longer has them), its child tables stay child tables, and its record
 * element stays the record element. What differs is reported as {@link Changes}.
 */
public final class PreviousLayout {

    /**
     * What a conversion changed against the earlier layout.
     *
     * @param addedTables     tables the earlier layout did not have
     * @param addedColumns    {@code table: column}, appended after the earlier columns
     * @param vanishedColumns {@code table: column} that had values before and are empty now, or whose
     *                        table is gone because it lay inside an element that is mixed now
     */
    public record Changes(List<String> addedTables, List<String> addedColumns, List<String> vanishedColumns) {

        public static final Changes NONE = new Changes(List.of(), List.of(), List.of());

        public Changes {
            addedTables = List.copyOf(addedTables);
            addedColumns = List.copyOf(addedColumns);
            vanishedColumns = List.copyOf(vanishedColumns);
        }
    }

    private PreviousLayout() {
    }

    /** The element paths (without the leading '/') whose elements started rows before. */
    static Set<String> childTablePaths(DataPackage previous) {
        Set<String> paths = new HashSet<>();
        if (previous != null) {
            for (TableSchema table : previous.tables()) {
                if (table.recordPath().startsWith("/")) {
                    paths.add(table.recordPath().substring(1));
                }
            }
        }
        return paths;
    }

    /** The element paths (without the leading '/') that were mixed content before: they stay mixed. */
    static Set<String> mixedPaths(DataPackage previous) {
        Set<String> paths = new HashSet<>();
        if (previous != null) {
            for (TableSchema table : previous.tables()) {
                for (ColumnSchema column : table.columns()) {
                    if (column.mixed() && column.source().startsWith("/")) {
                        paths.add(column.source().substring(1));
                    }
                }
            }
        }
        return paths;
    }

    /**
     * The earlier data columns as {@link #placed} keys: each stays, empty if need be, in a table of
     * the same record path.
     */
    static Set<String> columnSources(DataPackage previous) {
        Set<String> sources = new HashSet<>();
        if (previous != null) {
            for (TableSchema table : previous.tables()) {
                for (ColumnSchema column : table.columns()) {
                    if (!column.source().isEmpty()) {
                        sources.add(placed(table.recordPath(), column.source()));
                    }
                }
            }
        }
        return sources;
    }

    /** A column's source ({@code /orders/order/@id}) in the table of rows at {@code recordPath}. */
    static String placed(String recordPath, String source) {
        return recordPath + "\u0000" + source;
    }

    /**
     * The record elements of the earlier layout as absolute paths: the tables that are neither
     * document tables nor below a record (no parent; schemas written before record tables
     * lost their parent name a document table as it).
     */
    static Set<String> recordPaths(DataPackage previous) {
        Set<String> paths = new HashSet<>();
        if (previous != null) {
            for (TableSchema table : previous.tables()) {
                boolean outside = !table.name().endsWith(TablePlan.DOCUMENT)
                        && !table.name().contains(TablePlan.DOCUMENT + ".");
                if (outside && (!table.isChild() || table.parent().endsWith(TablePlan.DOCUMENT))
                        && table.recordPath().startsWith("/")) {
                    paths.add(table.recordPath());
                }
            }
        }
        return paths;
    }

    /** Puts the earlier columns of this document element into a new archive-wide schema, in their order. */
    static void seed(Schema schema, String rootName, DataPackage previous) throws FileConversionException {
        if (previous == null) {
            return;
        }
        for (TableSchema table : previous.tables()) {
            List<String> rowPath = segments(table.recordPath());
            if (rowPath.isEmpty() || !rowPath.getFirst().equals(rootName)) {
                continue;
            }
            node(schema, rowPath); // a table without data columns still keeps its row element
            for (ColumnSchema column : table.columns()) {
                List<String> path = segments(column.source());
                if (path.isEmpty() || !path.getFirst().equals(rootName)) {
                    continue;
                }
                String last = path.getLast();
                if (last.startsWith("@")) {
                    PathNode node = node(schema, path.subList(0, path.size() - 1));
                    String[] name = split(last.substring(1));
                    schema.attribute(node, -1, name[0], name[1]);
                } else {
                    schema.value(node(schema, path));
                }
            }
        }
    }

    private static PathNode node(Schema schema, List<String> path) throws FileConversionException {
        PathNode node = null;
        for (String segment : path) {
            String[] name = split(segment);
            node = node == null ? schema.root(name[0].intern(), name[1].intern())
                    : schema.element(node, name[0].intern(), name[1].intern());
        }
        return node;
    }

    /** {@code prefix:local} or {@code {uri}local} into namespace and local name. */
    private static String[] split(String name) {
        if (name.startsWith("{") && name.indexOf('}') > 0) {
            int close = name.indexOf('}');
            return new String[] {name.substring(1, close).intern(), name.substring(close + 1).intern()};
        }
        int colon = name.indexOf(':');
        return colon < 0 ? new String[] {"", name.intern()}
                : new String[] {name.substring(0, colon).intern(), name.substring(colon + 1).intern()};
    }

    /** Splits an absolute path on '/' outside {uri} braces. */
    /** The element names of an absolute path ({@code /orders/order}); none for an empty or relative one. */
    private static List<String> segments(String path) {
        return path == null || !path.startsWith("/") ? new ArrayList<>() : RecordSelector.segments(path.substring(1));
    }

    /** What the new schema added to, or emptied of, the earlier one (tables matched by name). */
    static Changes changes(DataPackage previous, DataPackage current) {
        if (previous == null) {
            return Changes.NONE;
        }
        List<String> addedTables = new ArrayList<>();
        List<String> addedColumns = new ArrayList<>();
        List<String> vanished = new ArrayList<>();
        List<String> mixedNow = new ArrayList<>();
        for (TableSchema table : current.tables()) {
            for (ColumnSchema column : table.columns()) {
                if (column.mixed()) {
                    mixedNow.add(column.source() + "/");
                }
            }
        }
        for (TableSchema before : previous.tables()) {
            // a child table inside an element that is mixed now: its words are in the string-value
            if (current.table(before.name()).isEmpty() && mixedNow.stream().anyMatch(before.recordPath()::startsWith)) {
                for (ColumnSchema old : before.columns()) {
                    if (old.isData() && !old.source().isEmpty() && old.nulls() < before.rows()) { // not a key copy
                        vanished.add(before.name() + ": " + old.name());
                    }
                }
            }
        }
        for (TableSchema table : current.tables()) {
            TableSchema before = previous.table(table.name()).orElse(null);
            if (before == null) {
                addedTables.add(table.name());
                continue;
            }
            for (ColumnSchema column : table.columns()) {
                ColumnSchema old = before.column(column.name()).orElse(null);
                if (old == null) {
                    if (column.role() != ColumnRole.PROVENANCE) { // _line, new to schemas written before it
                        addedColumns.add(table.name() + ": " + column.name());
                    }
                } else if (column.isData() && column.nulls() == table.rows() && old.nulls() < before.rows()) {
                    vanished.add(table.name() + ": " + column.name());
                }
            }
        }
        return new Changes(addedTables, addedColumns, vanished);
    }
}
