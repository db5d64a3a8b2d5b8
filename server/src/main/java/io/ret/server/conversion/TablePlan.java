package io.ret.server.conversion;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tables one document becomes, decided once its whole shape is known: which
 * elements start rows of which table, and where every column lands.
 */
final class TablePlan {

    static final String ID = "_id";
    static final String PARENT_ID = "_parent_id";
    static final String ROOT_ID = "_root_id";
    static final String DOCUMENT = "_document";

    enum Kind {
        /** One row per record element. */
        MAIN,
        /** The one row of content outside the records. */
        DOCUMENT,
        /** One row per instance of a repeated element, linked to the row it sits in. */
        CHILD
    }

    /** A table: its rows start at {@code root}; its header is {@code keys} then {@code columns}. */
    static final class Table {
        final String name;
        final Kind kind;
        final PathNode root;
        final Table parent;
        /** Position in {@link TablePlan#tables}. */
        int index;
        final boolean hasParentId;
        final List<String> columns = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        boolean hasChildTables;

        Table(String name, Kind kind, PathNode root, Table parent) {
            this.name = name;
            this.kind = kind;
            this.root = root;
            this.parent = parent;
            this.hasParentId = kind == Kind.CHILD || kind == Kind.MAIN && parent != null && parent.kind == Kind.CHILD;
            keys().forEach(names::add);
        }

        List<String> keys() {
            if (kind == Kind.CHILD) {
                return List.of(ID, PARENT_ID, ROOT_ID);
            }
            return hasParentId ? List.of(ID, PARENT_ID) : List.of(ID);
        }

        List<String> header() {
            List<String> header = new ArrayList<>(keys());
            header.addAll(columns);
            return header;
        }

        /** The document table is left out when it would hold nothing: no value and no child table. */
        boolean written() {
            return kind != Kind.DOCUMENT || !columns.isEmpty() || hasChildTables;
        }

        private int addColumn(String name) {
            String unique = name;
            for (int n = 2; !names.add(unique); n++) {
                unique = name + "~" + n;
            }
            columns.add(unique);
            return columns.size() - 1;
        }
    }

    final List<Table> tables = new ArrayList<>();
    /** Per path id: the table whose rows it starts, or null. */
    final Table[] startsRow;
    /** Per path id: repeated text-only elements joined into one cell (join mode). */
    final boolean[] joined;
    /** Per column id: the cell index within its table. */
    final int[] cell;
    /** Per path id: the cell of the element's own text within its table, or -1. */
    final int[] valueCell;

    private TablePlan(int paths, int columns) {
        this.startsRow = new Table[paths];
        this.joined = new boolean[paths];
        this.cell = new int[columns];
        this.valueCell = new int[paths];
    }

    static TablePlan of(Schema schema, ConversionOptions options) throws FileConversionException {
        PathNode record = RecordSelector.select(schema, options.recordElement());
        PathNode root = schema.root();
        TablePlan plan = new TablePlan(schema.nodes().size(), schema.columns().size());
        Table[] owner = new Table[schema.nodes().size()];
        for (PathNode node : schema.nodes()) { // parents come first
            boolean join = options.mode() == FlattenMode.JOIN_REPEATED && node.repeated && node != record
                    && !node.hasChildElements && !node.hasAttributes;
            plan.joined[node.id] = join;
            boolean startsRow = node == record || node == root || node.repeated && !join;
            if (!startsRow) {
                owner[node.id] = owner[node.parent.id];
                continue;
            }
            Table parent = node.parent == null ? null : owner[node.parent.id];
            Table table;
            if (node == record) {
                table = new Table("", Kind.MAIN, node, parent);
            } else if (node == root) {
                table = new Table(DOCUMENT, Kind.DOCUMENT, node, null);
            } else if (node.isWithin(record)) {
                table = new Table(node.pathBelow(record), Kind.CHILD, node, parent);
            } else {
                table = new Table(DOCUMENT + "." + node.pathBelow(root), Kind.CHILD, node, parent);
            }
            if (parent != null && table.kind == Kind.CHILD) {
                parent.hasChildTables = true;
            }
            table.index = plan.tables.size();
            plan.tables.add(table);
            plan.startsRow[node.id] = table;
            owner[node.id] = table;
        }
        for (Schema.Column column : schema.columns()) {
            Table table = owner[column.node().id];
            String path = column.node() == table.root ? "" : column.node().pathBelow(table.root);
            String name = column.isValue()
                    ? (path.isEmpty() ? column.node().name : path)
                    : path + "@" + column.attribute();
            plan.cell[column.id()] = table.addColumn(name);
        }
        for (PathNode node : schema.nodes()) {
            plan.valueCell[node.id] = node.value == null ? -1 : plan.cell[node.value.id()];
        }
        return plan;
    }
}
