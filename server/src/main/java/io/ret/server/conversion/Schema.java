package io.ret.server.conversion;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the scan learnt about a document's shape: its element paths and, in the
 * order first seen, its columns. Bounded by {@link #MAX_PATHS} and {@link #MAX_COLUMNS}
 * whatever the file's size, so a document of endless distinct names fails alone.
 */
final class Schema {

    static final int MAX_PATHS = 10_000;
    static final int MAX_COLUMNS = 10_000;

    /**
     * A source of cell values: an element's own text ({@code attribute} null), or one of its attributes.
     *
     * @param attribute the attribute's name as written into column names, or null
     */
    record Column(int id, PathNode node, String attribute, String namespace, String local) {

        boolean isValue() {
            return attribute == null;
        }
    }

    private final boolean namespaceUris;
    private final List<PathNode> nodes = new ArrayList<>();
    private final List<Column> columns = new ArrayList<>();

    Schema(boolean namespaceUris) {
        this.namespaceUris = namespaceUris;
    }

    /** Paths in first-seen order; a parent always comes before its children. */
    List<PathNode> nodes() {
        return nodes;
    }

    /** Columns in first-seen order. */
    List<Column> columns() {
        return columns;
    }

    PathNode root() {
        return nodes.getFirst();
    }

    /** The path of the document element, made on first sight. */
    PathNode root(String namespace, String local) throws FileConversionException {
        return nodes.isEmpty() ? newNode(null, namespace, local) : nodes.getFirst();
    }

    /**
     * The path of an element below {@code parent}, made on first sight. The scan calls it for
     * every element but the document element, so it has no path for that one (see {@link #root}).
     */
    PathNode element(PathNode parent, String namespace, String local) throws FileConversionException {
        PathNode node = parent.child(namespace, local);
        return node != null ? node : newNode(parent, namespace, local);
    }

    private PathNode newNode(PathNode parent, String namespace, String local) throws FileConversionException {
        if (nodes.size() >= MAX_PATHS) {
            throw new FileConversionException("more than " + MAX_PATHS + " distinct element paths");
        }
        PathNode node = new PathNode(nodes.size(), parent, namespace, local, qualified(namespace, local));
        nodes.add(node);
        if (parent != null) {
            parent.addChild(node);
        }
        return node;
    }

    /**
     * The column of an attribute of {@code node}, made on first sight. Attributes mostly come
     * in the same order every time, so the one at {@code position} is tried first.
     */
    Column attribute(PathNode node, int position, String namespace, String local) throws FileConversionException {
        if (position >= 0 && position < node.attributes.size()) {
            Column guess = node.attributes.get(position);
            if (guess.local() == local && guess.namespace() == namespace) {
                return guess;
            }
        }
        for (Column column : node.attributes) {
            if (column.local() == local && column.namespace() == namespace) {
                return column;
            }
        }
        for (Column column : node.attributes) {
            if (column.local().equals(local) && column.namespace().equals(namespace)) {
                return column;
            }
        }
        Column column = newColumn(node, qualified(namespace, local), namespace, local);
        node.attributes.add(column);
        return column;
    }

    /** The column of the element's own text, made on first sight. */
    Column value(PathNode node) throws FileConversionException {
        if (node.value == null) {
            node.value = newColumn(node, null, "", "");
        }
        return node.value;
    }

    /** Where a file's path and column ids land in an archive-wide schema. */
    record FileMap(int[] nodes, int[] columns) {
    }

    /**
     * Adds a file's shape to this archive-wide one (both have the same document element):
     * paths and columns new to it are appended, so the archive's column order is the
     * order of first sight over the files in path order.
     */
    FileMap merge(Schema file) throws FileConversionException {
        int[] nodeMap = new int[file.nodes.size()];
        for (PathNode local : file.nodes) {
            PathNode node = local.parent == null ? root(local.namespace, local.local)
                    : element(nodes.get(nodeMap[local.parent.id]), local.namespace, local.local);
            node.occurrences += local.occurrences;
            node.repeated |= local.repeated;
            node.hasChildElements |= local.hasChildElements;
            node.hasAttributes |= local.hasAttributes;
            node.mixed |= local.mixed;
            nodeMap[local.id] = node.id;
        }
        int[] columnMap = new int[file.columns.size()];
        for (Column local : file.columns) {
            PathNode node = nodes.get(nodeMap[local.node().id]);
            columnMap[local.id()] = (local.isValue() ? value(node) : attribute(node, -1, local.namespace(), local.local())).id();
        }
        return new FileMap(nodeMap, columnMap);
    }

    /** The key of the document element: files with different ones are different record types. */
    String rootKey() {
        PathNode root = root();
        return root.namespace + "\u0000" + root.local;
    }

    private Column newColumn(PathNode node, String attribute, String namespace, String local) throws FileConversionException {
        if (columns.size() >= MAX_COLUMNS) {
            throw new FileConversionException("more than " + MAX_COLUMNS + " distinct columns");
        }
        Column column = new Column(columns.size(), node, attribute, namespace, local);
        columns.add(column);
        return column;
    }

    private String qualified(String namespace, String local) {
        if (namespace.isEmpty()) {
            return local;
        }
        return namespaceUris ? "{" + namespace + "}" + local : namespace + ":" + local;
    }
}
