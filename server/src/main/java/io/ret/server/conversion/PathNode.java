package io.ret.server.conversion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One element path of a document, from the document element down, with what the scan
 * learnt about it. Mutable during the scan, read-only after.
 */
final class PathNode {

    /** Beyond this many children a map finds them; below it a scan by identity is faster. */
    private static final int INDEX_AT = 16;

    final int id;
    final PathNode parent;
    final int depth;
    /** Prefix as written, or namespace URI, "" for none: with {@link #local} the node's key. */
    final String namespace;
    final String local;
    /** The name in column and table names: {@code local}, {@code prefix:local} or {@code {uri}local}. */
    final String name;
    final List<PathNode> children = new ArrayList<>(4);
    final List<Schema.Column> attributes = new ArrayList<>(2);

    long occurrences;
    /** Some parent instance held two or more of it. */
    boolean repeated;
    boolean hasChildElements;
    boolean hasAttributes;
    /** Some instance had own text and a child element (mixed content). */
    boolean mixed;
    /** Column of its own text, or null until it has one. */
    Schema.Column value;

    // repetition counting: the parent instance last seen and how often this path occurred in it
    long lastParentInstance = -1;
    int countInParent;

    private Map<String, List<PathNode>> byLocal;
    /** Where {@link #child} starts looking: after the child it found last. */
    private int nextGuess;

    PathNode(int id, PathNode parent, String namespace, String local, String name) {
        this.id = id;
        this.parent = parent;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.namespace = namespace;
        this.local = local;
        this.name = name;
    }

    /**
     * The child with this key, or null. Woodstox interns names, so identity usually decides;
     * and siblings mostly come in the order first seen, so the search starts just after the
     * child found last.
     */
    PathNode child(String namespace, String local) {
        if (byLocal != null) {
            List<PathNode> sameLocal = byLocal.get(local);
            if (sameLocal != null) {
                for (PathNode child : sameLocal) {
                    if (child.namespace.equals(namespace)) {
                        return child;
                    }
                }
            }
            return null;
        }
        int count = children.size();
        for (int tried = 0, i = nextGuess; tried < count; tried++, i = i + 1 == count ? 0 : i + 1) {
            PathNode child = children.get(i);
            if (child.local == local && child.namespace == namespace) {
                nextGuess = i + 1 == count ? 0 : i + 1;
                return child;
            }
        }
        for (PathNode child : children) {
            if (child.local.equals(local) && child.namespace.equals(namespace)) {
                return child;
            }
        }
        return null;
    }

    void addChild(PathNode child) {
        children.add(child);
        if (byLocal == null && children.size() > INDEX_AT) {
            byLocal = new HashMap<>();
            children.forEach(this::index);
        } else if (byLocal != null) {
            index(child);
        }
    }

    private void index(PathNode child) {
        byLocal.computeIfAbsent(child.local, k -> new ArrayList<>(1)).add(child);
    }

    /** True when this is {@code ancestor} or lies below it. */
    boolean isWithin(PathNode ancestor) {
        PathNode node = this;
        while (node != null && node.depth >= ancestor.depth) {
            if (node == ancestor) {
                return true;
            }
            node = node.parent;
        }
        return false;
    }

    /** Names from below {@code ancestor} down to this node, joined by '.'; "" for the ancestor itself. */
    String pathBelow(PathNode ancestor) {
        if (this == ancestor) {
            return "";
        }
        String above = parent.pathBelow(ancestor);
        return above.isEmpty() ? name : above + "." + name;
    }

    @Override
    public String toString() {
        return parent == null ? name : parent + "/" + name;
    }
}
