package io.ret.server.conversion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Picks the element whose instances are the rows of the main table, from a finished
 * {@link Schema}. See docs/flattening.md, "Record element", for the rules in prose.
 */
final class RecordSelector {

    /** Structured candidates first, then the most frequent, then the first seen. */
    private static final Comparator<PathNode> BEST = Comparator
            .comparing((PathNode n) -> !(n.hasChildElements || n.hasAttributes))
            .thenComparing(n -> -n.occurrences)
            .thenComparingInt(n -> n.id);

    private RecordSelector() {
    }

    /**
     * The record elements: the one named by the option (name or path, outermost match wins),
     * else those of an earlier layout that this record type has, else the detected ones.
     *
     * @param previous absolute element paths ({@code /osm/way}) of an earlier layout's record tables
     */
    static List<PathNode> select(Schema schema, String recordElement, Set<String> previous)
            throws FileConversionException {
        if (recordElement != null) {
            return List.of(named(schema, recordElement));
        }
        List<PathNode> before = schema.nodes().stream().filter(n -> previous.contains("/" + n)).toList();
        return before.isEmpty() ? detect(schema.root()) : before;
    }

    /**
     * Descends from the document element through single wrappers (one kind of child that
     * does not repeat) and stops at the first repeating one. At an element with several
     * kinds of child it takes a repeating element behind a chain of wrappers (a list such
     * as {@code <orders><order/>...</orders>}), or a directly repeating child; failing
     * both, the element itself is the (single) record.
     *
     * <p>An element reached that names its own identity (an id-like attribute or leaf child,
     * as an invoice's number) is one record whose repeated parts are its lines: the file is
     * one document, not a list with a header.
     *
     * <p>An element reached whose best directly repeating child sits beside other kinds with
     * structure that name their own identity, or repeat and name themselves (OpenStreetMap's
     * {@code node}, {@code way} and {@code relation}, each with its {@code @id}; Android's
     * {@code plurals} with its {@code @name}) holds several kinds of record: each is a
     * record element, in the order first seen. Repeating kinds without an identity beside
     * them (a podcast channel's categories beside its items) stay content of the document.
     */
    static List<PathNode> detect(PathNode root) {
        PathNode node = root;
        while (node.children.size() == 1) {
            PathNode only = node.children.getFirst();
            if (only.repeated) {
                return List.of(only);
            }
            node = only;
        }
        if (hasOwnIdentity(node)) {
            return List.of(node);
        }
        List<PathNode> lists = new ArrayList<>();
        for (PathNode child : node.children) {
            PathNode wrapper = child;
            while (wrapper.children.size() == 1 && !wrapper.repeated && !wrapper.children.getFirst().repeated) {
                wrapper = wrapper.children.getFirst();
            }
            PathNode member = wrapper.repeated || ListElements.hasOwnIdentity(wrapper) ? null : listMember(wrapper);
            if (member != null) {
                lists.add(member); // an element naming its own id is a record, not a list
            }
        }
        if (!lists.isEmpty()) {
            return List.of(lists.stream().min(BEST).orElseThrow());
        }
        List<PathNode> repeating = node.children.stream().filter(c -> c.repeated).toList();
        if (repeating.isEmpty()) {
            return List.of(node);
        }
        PathNode best = repeating.stream().min(BEST).orElseThrow();
        List<PathNode> kinds = node.children.stream()
                .filter(c -> structured(c) && (c == best || ListElements.hasOwnIdentity(c) || c.repeated && hasOwnName(c)))
                .toList();
        return kinds.size() > 1 && kinds.stream().anyMatch(c -> c.repeated) ? kinds : List.of(best);
    }

    /**
     * The one repeating child of a list wrapper: {@code <orders><order/>...</orders>}, also with
     * leaves beside it that occur once, as a page's trailer ({@code <ListRecords><record/>...
     * <resumptionToken/></ListRecords>}); null when the element holds no such list.
     */
    private static PathNode listMember(PathNode wrapper) {
        PathNode member = null;
        for (PathNode child : wrapper.children) {
            if (child.repeated) {
                if (member != null) {
                    return null;
                }
                member = child;
            } else if (!child.children.isEmpty()) {
                return null;
            }
        }
        return member != null && (wrapper.children.size() == 1 || structured(member)) ? member : null;
    }

    private static boolean structured(PathNode node) {
        return node.hasChildElements || node.hasAttributes;
    }

    /** The element names its own identity or itself: an id-like or a name column of its own, the likely key of its rows. */
    static boolean namesItself(PathNode element) {
        return hasOwnIdentity(element) || hasOwnName(element);
    }

    /** An attribute or non-repeated leaf child naming the element: {@code @name}, {@code name}, {@code testName} in a {@code test}. */
    private static boolean hasOwnName(PathNode element) {
        for (Schema.Column attribute : element.attributes) {
            if (KeyDetector.isOwnName(attribute.local(), element.local)) {
                return true;
            }
        }
        for (PathNode child : element.children) {
            if (!child.repeated && child.children.isEmpty() && child.value != null
                    && KeyDetector.isOwnName(child.local, element.local)) {
                return true;
            }
        }
        return false;
    }

    /** An id-like attribute or non-repeated leaf child ({@link KeyDetector#word}): {@code @id}, {@code cbc:ID}, {@code InvoiceNumber}. */
    static boolean hasOwnIdentity(PathNode element) {
        for (Schema.Column attribute : element.attributes) {
            if (KeyDetector.word(attribute) >= 0) {
                return true;
            }
        }
        for (PathNode child : element.children) {
            if (!child.repeated && child.children.isEmpty() && child.value != null && KeyDetector.word(child.value) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static PathNode named(Schema schema, String recordElement) throws FileConversionException {
        boolean absolute = recordElement.startsWith("/");
        List<String> segments = segments(absolute ? recordElement.substring(1) : recordElement);
        PathNode best = null;
        for (PathNode node : schema.nodes()) {
            if (matches(node, segments, absolute) && (best == null || node.depth < best.depth)) {
                best = node;
            }
        }
        if (best == null) {
            throw new FileConversionException("no element matches the record element '" + recordElement + "'");
        }
        return best;
    }

    /** Splits on '/' outside {uri} braces. */
    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int braces = 0;
        for (char c : path.toCharArray()) {
            if (c == '{') {
                braces++;
            } else if (c == '}') {
                braces--;
            }
            if (c == '/' && braces == 0) {
                segments.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        segments.add(current.toString());
        return segments;
    }

    /** The node's path ends with the segments (each matching its name or local name); all of it when absolute. */
    private static boolean matches(PathNode node, List<String> segments, boolean absolute) {
        PathNode current = node;
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (current == null) {
                return false;
            }
            String segment = segments.get(i);
            if (!segment.equals(current.name) && !segment.equals(current.local)) {
                return false;
            }
            current = current.parent;
        }
        return !absolute || current == null;
    }
}
