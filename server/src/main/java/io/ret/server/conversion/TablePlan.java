package io.ret.server.conversion;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ret.server.conversion.schema.KeySource;
import io.ret.server.conversion.schema.Layout;

/**
 * The tables one record type becomes, decided once the shape of every file of the
 * archive with that document element is known: which elements start rows of which
 * table, where every column lands, and (after {@link KeyDetector}) each table's natural key.
 */
final class TablePlan {

    static final String ID = "_id";
    static final String PARENT_ID = "_parent_id";
    static final String ROOT_ID = "_root_id";
    static final String DOCUMENT = "_document";
    static final String FILE = "_file";
    static final String LINE = "_line";
    static final String POSITION = "_position";

    enum Kind {
        /** One row per record element. */
        MAIN,
        /** The one row per file of content outside the records. */
        DOCUMENT,
        /** One row per instance of a repeated element, linked to the row it sits in. */
        CHILD
    }

    /** A table: its rows start at {@code root}; its header is {@link #header()}. */
    static final class Table {
        /** The record type's name, unique in the archive: {@code order}, {@code order.line}, {@code _document}. */
        final String name;
        /** The name within one file, as the per-file layout names outputs: "" for the main table, {@code line}. */
        final String local;
        final Kind kind;
        final PathNode root;
        final Table parent;
        /** Position in {@link TablePlan#tables}. */
        int index;
        final boolean hasParentId;
        /** Data columns: names, and where their values come from. */
        final List<String> columns = new ArrayList<>();
        final List<Schema.Column> sources = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        boolean hasChildTables;
        /** Merged layout: rows name their source, {@code _file} and {@code _line} (provenance). */
        boolean withFile;

        // the natural key, decided by KeyDetector
        KeySource keySource = KeySource.NONE;
        /** Data cells of the table's own key (given or detected). */
        int[] ownKeyCells = new int[0];
        /** The own key is the row's position among its siblings. */
        boolean positionKey;
        /** Names of the columns holding the parent row's natural key. */
        final List<String> parentKey = new ArrayList<>();
        String positionColumn;
        /** A child table copies this table's key. */
        boolean hasDependents;

        Table(String name, String local, Kind kind, PathNode root, Table parent) {
            this.name = name;
            this.local = local;
            this.kind = kind;
            this.root = root;
            this.parent = parent;
            this.hasParentId = kind == Kind.CHILD || kind == Kind.MAIN && parent != null && parent.kind == Kind.CHILD;
            surrogates().forEach(names::add);
        }

        List<String> surrogates() {
            if (kind == Kind.CHILD) {
                return List.of(ID, PARENT_ID, ROOT_ID);
            }
            return hasParentId ? List.of(ID, PARENT_ID) : List.of(ID);
        }

        /** Surrogates, {@code _file} and {@code _line}, the parent's key, the position, then the data columns. */
        List<String> header() {
            List<String> header = new ArrayList<>(surrogates());
            if (withFile) {
                header.add(FILE);
                header.add(LINE);
            }
            header.addAll(parentKey);
            if (positionColumn != null) {
                header.add(positionColumn);
            }
            header.addAll(columns);
            return header;
        }

        /** The natural key's column names: the parent's key, then the own key. */
        List<String> primaryKey() {
            if (keySource == KeySource.NONE) {
                return List.of();
            }
            List<String> key = new ArrayList<>(parentKey);
            if (positionKey) {
                key.add(positionColumn);
            }
            for (int cell : ownKeyCells) {
                key.add(columns.get(cell));
            }
            return key;
        }

        /** Whether a child's key is unique within its parent row (else over the whole table). */
        boolean keyedWithinParent() {
            return kind == Kind.CHILD && parent.kind != Kind.DOCUMENT;
        }

        /** The document table is left out when it would hold nothing: no value and no child table. */
        boolean written() {
            return kind != Kind.DOCUMENT || !columns.isEmpty() || hasChildTables;
        }

        int addColumn(String name) {
            columns.add(unique(name));
            return columns.size() - 1;
        }

        String unique(String name) {
            String unique = name;
            for (int n = 2; !names.add(unique); n++) {
                unique = name + "~" + n;
            }
            return unique;
        }
    }

    final Schema schema;
    final List<Table> tables = new ArrayList<>();
    /** Per path id: the table whose rows it starts, or null. */
    final Table[] startsRow;
    /** Per path id: repeated text-only elements joined into one cell (join mode). */
    final boolean[] joined;
    /** What the replay does when a path's element starts: nothing, begin a joined item, begin a string-value. */
    final byte[] onStart;
    /** What the replay does with a path's text: append it, join it, or collect it into a string-value. */
    final byte[] onText;
    /** Per column id: the cell index within its table. */
    final int[] cell;
    /** Per path id: the cell of the element's own text within its table, or -1. */
    final int[] valueCell;

    static final byte PLAIN = 0;
    static final byte JOIN = 1;
    /** Mixed content: the outermost mixed element's cell collects the text of its whole subtree. */
    static final byte COLLECT = 2;

    private TablePlan(Schema schema) {
        this.schema = schema;
        this.startsRow = new Table[schema.nodes().size()];
        this.joined = new boolean[schema.nodes().size()];
        this.onStart = new byte[schema.nodes().size()];
        this.onText = new byte[schema.nodes().size()];
        this.cell = new int[schema.columns().size()];
        this.valueCell = new int[schema.nodes().size()];
    }

    /**
     * @param forcedRows paths (as {@link PathNode#toString()}) that start rows whether or not they
     *                   repeat: the child tables of an earlier layout
     * @param prefix     put before every table name ("" when the archive has one record type)
     */
    static TablePlan of(Schema schema, ConversionOptions options, Set<String> forcedRows, String prefix)
            throws FileConversionException {
        List<PathNode> records = RecordSelector.select(schema, options.recordElement(),
                PreviousLayout.recordPaths(options.previousLayout()));
        boolean[] listLike = ListElements.of(schema, records);
        PathNode root = schema.root();
        PathNode[] collector = mixedContent(schema, records, PreviousLayout.mixedPaths(options.previousLayout()));
        Set<String> earlierSources = PreviousLayout.columnSources(options.previousLayout());
        TablePlan plan = new TablePlan(schema);
        Table[] owner = new Table[schema.nodes().size()];
        PathNode[] recordOf = new PathNode[schema.nodes().size()];
        for (PathNode node : schema.nodes()) { // parents come first
            PathNode record = records.contains(node) ? node : node.parent == null ? null : recordOf[node.parent.id];
            recordOf[node.id] = record;
            if (collector[node.id] != null && collector[node.id] != node) {
                owner[node.id] = owner[node.parent.id]; // inside a mixed element: its text is the string-value's
                plan.onText[node.id] = COLLECT;
                continue;
            }
            boolean mixed = collector[node.id] == node;
            boolean forced = forcedRows.contains(node.toString());
            boolean join = options.mode() == FlattenMode.JOIN_REPEATED && node.repeated && node != record
                    && !node.hasChildElements && !node.hasAttributes && !forced && !mixed;
            plan.joined[node.id] = join;
            plan.onStart[node.id] = plan.onText[node.id] = mixed ? COLLECT : join ? JOIN : PLAIN;
            boolean startsRow = node == record || node == root || (node.repeated || forced || listLike[node.id]) && !join;
            if (!startsRow) {
                owner[node.id] = owner[node.parent.id];
                continue;
            }
            Table parent = node.parent == null ? null : owner[node.parent.id];
            if (node == record && parent != null && parent.kind == Kind.DOCUMENT) {
                parent = null; // a record beside the document table is not its child: one row per file is no parent
            }
            Table table;
            if (node == record) {
                // one kind of record: the per-file main table is the file's own name; several: each its own
                table = new Table(prefix + record.name, records.size() == 1 ? "" : record.name, Kind.MAIN, node, parent);
            } else if (node == root) {
                table = new Table(prefix + DOCUMENT, DOCUMENT, Kind.DOCUMENT, node, null);
            } else if (record != null) {
                String local = node.pathBelow(record);
                table = new Table(prefix + record.name + "." + local,
                        records.size() == 1 ? local : record.name + "." + local, Kind.CHILD, node, parent);
            } else {
                String local = DOCUMENT + "." + node.pathBelow(root);
                table = new Table(prefix + local, local, Kind.CHILD, node, parent);
            }
            table.withFile = options.layout() == Layout.MERGED;
            if (table.withFile) {
                table.names.add(FILE);
                table.names.add(LINE);
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
            PathNode mixed = collector[column.node().id];
            if (mixed != null && mixed != column.node()) {
                plan.cell[column.id()] = -1; // inside a mixed element: no column, its attributes dropped
                if (earlierSources.contains(PreviousLayout.placed(recordPath(table), source(column)))) {
                    table.addColumn(name); // but an earlier layout's column stays, empty
                    table.sources.add(column);
                }
                continue;
            }
            plan.cell[column.id()] = table.addColumn(name);
            table.sources.add(column);
        }
        for (PathNode node : schema.nodes()) {
            PathNode mixed = collector[node.id];
            Schema.Column value = mixed != null ? mixed.value : node.value;
            plan.valueCell[node.id] = value == null ? -1 : plan.cell[value.id()];
        }
        return plan;
    }

    /**
     * Per path id, the outermost mixed element it is or lies in, or null. A path is mixed when some
     * instance had own text and a child element, in this archive or in the earlier layout; the
     * document element and the elements above a record never are (their stray text must not fold
     * the records into one cell). A mixed element gets a text column even where only its
     * descendants had text.
     */
    private static PathNode[] mixedContent(Schema schema, List<PathNode> records, Set<String> mixedBefore)
            throws FileConversionException {
        PathNode[] collector = new PathNode[schema.nodes().size()];
        boolean[] aboveRecord = new boolean[collector.length];
        for (PathNode record : records) {
            for (PathNode above = record.parent; above != null; above = above.parent) {
                aboveRecord[above.id] = true;
            }
        }
        List<PathNode> nodes = List.copyOf(schema.nodes());
        for (PathNode node : nodes) { // parents come first
            if (node.parent == null) {
                continue;
            }
            PathNode inside = collector[node.parent.id];
            if (inside != null) {
                collector[node.id] = inside;
            } else if (!aboveRecord[node.id] && (node.mixed || mixedBefore.contains(node.toString()))) {
                collector[node.id] = node;
                schema.value(node);
            }
        }
        return collector;
    }

    /** Whether a column holds a mixed element's string-value. */
    boolean isStringValue(Schema.Column column) {
        return column.isValue() && onStart[column.node().id] == COLLECT;
    }

    /** The XML path a data column's values come from: {@code /orders/order/@id}, {@code /orders/order/total}. */
    static String source(Schema.Column column) {
        String element = "/" + column.node().toString();
        return column.isValue() ? element : element + "/@" + column.attribute();
    }

    /** The element path of a table's rows: {@code /orders/order}. */
    static String recordPath(Table table) {
        return "/" + table.root.toString();
    }
}
