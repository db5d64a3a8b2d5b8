package io.ret.server.conversion;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.ret.server.conversion.schema.KeySource;

/**
 * Finds each table's natural key over the whole archive. Before the replay it ranks
 * each table's id-like columns (a name whose last word is id, uuid, key, number, no,
 * code ...: {@code @id}, {@code orderId}, {@code order_no}, {@code cbc:ID}), then the
 * weaker {@link Tier}s (a name, a key-value pair, a column of URIs, a reference, an id one
 * level down), and ids of other things together; during the replay it drops every candidate that is empty in some row or repeats a value (over the
 * table, or within the parent row for a child table); then {@link #decide} takes the
 * best survivor, or for a child table without one, its position among its siblings.
 *
 * <p>Values are remembered as 64-bit hashes, 8 to 16 bytes per row and candidate of a
 * record table; a child table's set is emptied at every new parent row. A hash collision
 * can only reject a key, never accept a wrong one.
 */
final class KeyDetector implements RowReplay.Rows {

    /** At most this many candidates per table are followed. */
    private static final int MAX_CANDIDATES = 6;
    /** Of the columns without an id-like name, this many (in column order) are tried as URIs. */
    private static final int MAX_URI_CANDIDATES = 3;
    private static final List<String> WORDS = List.of("id", "uuid", "guid", "identifier", "key", "number", "no", "nr",
            "num", "code");

    private static final class Candidate {
        /** One cell, or several that together are the key (ids of other things: {@code groupId}, {@code artifactId}). */
        final int[] cells;
        final Tier tier;
        /** Only a column whose every value is an absolute URI qualifies ({@link Tier#URI}). */
        final boolean uri;
        boolean alive = true;
        final LongSet seen = new LongSet();
        long scope = -1;

        Candidate(int[] cells, Tier tier) {
            this.cells = cells;
            this.tier = tier;
            this.uri = tier == Tier.URI;
        }
    }

    /**
     * Why a column may be a table's key, best first. Only the id words say so by their name
     * alone; the weaker tiers are tried when no id-like column holds, and each must still be
     * non-empty and unique like any key.
     */
    enum Tier {
        /** An own column named id, uuid, key, number, code... ({@link #word}). */
        ID_WORD,
        /** An own column named {@code name}, or the row element's name then {@code name}: {@code @name}, {@code testName} in a {@code test}. */
        NAME,
        /** The first of exactly two values that form a key-value pair: {@code <tag k="" v=""/>}, {@code <valueName/><value/>}. */
        PAIR,
        /** An own column whose every value is an absolute URI ({@code https://...}, {@code urn:...}): a sitemap's {@code loc}, a feed item's {@code link}. */
        URI,
        /** An own column named as a reference to another element: {@code @contextRef} of an XBRL fact, {@code productRef}. */
        REFERENCE,
        /** An id-like leaf one level down, in a single child element of the row: {@code MedlineCitation/PMID}. */
        NESTED_ID
    }

    /** A key the user gave, checked as a detected one would be: non-empty in every row, unique in its scope. */
    private static final class GivenKey {
        final int[] cells;
        final LongSet seen = new LongSet();
        long scope = -1;
        /** The first row that breaks the key, for the user; null while it holds. */
        String problem;

        GivenKey(int[] cells) {
            this.cells = cells;
        }
    }

    private final TablePlan plan;
    private final Candidate[][] candidates;
    private final GivenKey[] givenKeys;
    /** Per table: rows replayed, so that a table without any is not keyed by a tier that needs values. */
    private final long[] rowsSeen;
    /** The entry being replayed, to name where a given key breaks. */
    private String file = "";

    KeyDetector(TablePlan plan, Map<String, List<String>> given) throws KeyColumnException {
        this.plan = plan;
        this.candidates = new Candidate[plan.tables.size()][];
        this.givenKeys = new GivenKey[plan.tables.size()];
        this.rowsSeen = new long[plan.tables.size()];
        for (TablePlan.Table table : plan.tables) {
            List<String> givenColumns = given(table, given);
            if (givenColumns != null) {
                int[] cells = new int[givenColumns.size()];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = table.columns.indexOf(givenColumns.get(i));
                    if (cells[i] < 0) {
                        throw new KeyColumnException("table '" + table.name + "' has no column '" + givenColumns.get(i)
                                + "' to be its key; its columns: " + String.join(", ", table.columns));
                    }
                }
                table.ownKeyCells = cells;
                table.keySource = KeySource.GIVEN;
                candidates[table.index] = new Candidate[0];
                givenKeys[table.index] = new GivenKey(cells);
            } else {
                candidates[table.index] = table.kind == TablePlan.Kind.DOCUMENT ? new Candidate[0] : rank(table);
            }
        }
    }

    /** A user's key that cannot be used. */
    static final class KeyColumnException extends Exception {
        KeyColumnException(String message) {
            super(message);
        }
    }

    private static List<String> given(TablePlan.Table table, Map<String, List<String>> given) {
        List<String> columns = given.get(table.name);
        return columns != null ? columns : given.get(TablePlan.recordPath(table));
    }

    private Candidate[] rank(TablePlan.Table table) {
        record Ranked(int cell, Tier tier, int order, int[] cells) {
            Ranked(int cell, Tier tier, int order) {
                this(cell, tier, order, new int[] {cell});
            }
        }
        List<Ranked> ranked = new ArrayList<>();
        List<Integer> own = new ArrayList<>();
        for (int i = 0; i < table.sources.size(); i++) {
            Schema.Column column = table.sources.get(i);
            if (plan.joined[column.node().id]) {
                continue;
            }
            if (ownColumn(table, column)) {
                own.add(i);
                if (word(column) >= 0) {
                    ranked.add(new Ranked(i, Tier.ID_WORD, word(column) * 8 + nameFit(table, column) * 2
                            + (column.isValue() ? 1 : 0)));
                } else if (named(table, column)) {
                    ranked.add(new Ranked(i, Tier.NAME, column.isValue() ? 1 : 0));
                } else if (reference(column)) {
                    ranked.add(new Ranked(i, Tier.REFERENCE, column.isValue() ? 1 : 0));
                }
            } else if (nested(table, column) && word(column) == 0) {
                ranked.add(new Ranked(i, Tier.NESTED_ID, 0));
            }
        }
        int[] association = own.stream().filter(i -> word(table.sources.get(i)) == 0
                && nameFit(table, table.sources.get(i)) == 2).limit(3).mapToInt(Integer::intValue).toArray();
        if (association.length > 1) { // before each alone, at the rank of an id named after another thing
            ranked.add(new Ranked(-1, Tier.ID_WORD, 2 * 2, association));
        }
        if (pair(table) && ranked.stream().noneMatch(r -> r.cell() == 0)) {
            ranked.add(new Ranked(0, Tier.PAIR, 0));
        }
        int uris = 0;
        for (int cell : own) { // the first few others: their bytes are read in every row until a value is no URI
            if (uris < MAX_URI_CANDIDATES && ranked.stream().noneMatch(r -> r.cell() == cell)) {
                ranked.add(new Ranked(cell, Tier.URI, uris++));
            }
        }
        ranked.sort(Comparator.comparing(Ranked::tier).thenComparingInt(Ranked::order).thenComparingInt(Ranked::cell));
        return ranked.stream().limit(MAX_CANDIDATES)
                .map(r -> new Candidate(r.cells(), r.tier())).toArray(Candidate[]::new);
    }

    /**
     * The row holds exactly two values, a key and its value: an attribute of the row element
     * first, then another attribute or the row element's text ({@code <tag k="" v=""/>},
     * {@code <ArticleId IdType="doi">10.1/x</ArticleId>}), or two leaf children named as a
     * name or a type and a value ({@code <parameter><valueName/><value/></parameter>},
     * ONIX's {@code <ProductIdentifier><ProductIDType/><IDValue/></ProductIdentifier>}).
     */
    private boolean pair(TablePlan.Table table) {
        if (table.sources.size() != 2) {
            return false;
        }
        Schema.Column first = table.sources.getFirst();
        Schema.Column second = table.sources.getLast();
        if (plan.joined[first.node().id] || plan.joined[second.node().id]) {
            return false;
        }
        if (!first.isValue()) {
            return first.node() == table.root && second.node() == table.root;
        }
        String kind = lastWord(first.node().local);
        return ownColumn(table, first) && ownColumn(table, second) && (kind.equals("name") || kind.equals("type"))
                && lastWord(second.node().local).equals("value");
    }

    /** {@code name}, {@code @name}, or the row element's name then {@code name} ({@code testName} in a {@code test}). */
    private static boolean named(TablePlan.Table table, Schema.Column column) {
        return isOwnName(column.isValue() ? column.node().local : column.local(), table.root.local);
    }

    /** {@code name}, or the element's own name then {@code name} ({@code testName} in a {@code test}). */
    static boolean isOwnName(String name, String element) {
        if (!lastWord(name).equals("name")) {
            return false;
        }
        String rest = name.substring(0, name.length() - 4).replaceAll("[_.:-]+$", "");
        return rest.isEmpty() || rest.equalsIgnoreCase(element);
    }

    /**
     * A reference named after what it refers to: the last word ref or reference after a name
     * ({@code contextRef}, {@code product_reference}). A bare {@code ref} is not: it points
     * from a member of a sequence ({@code <nd ref=""/>} in an OpenStreetMap way), where the
     * same target may come twice and the position is the identity.
     */
    private static boolean reference(Schema.Column column) {
        String name = column.isValue() ? column.node().local : column.local();
        String word = lastWord(name);
        return (word.equals("ref") || word.equals("reference")) && word.length() < name.length();
    }

    /** The text of a leaf one level down, inside a single (not repeated, not table) child element of the row. */
    private boolean nested(TablePlan.Table table, Schema.Column column) {
        PathNode node = column.node();
        return column.isValue() && node.children.isEmpty() && node.parent != null && node.parent.parent == table.root
                && !node.parent.repeated && plan.startsRow[node.parent.id] == null && !node.repeated;
    }

    /** An absolute URI: a scheme, then {@code ://} or {@code urn:}, and no whitespace. */
    static boolean isUri(byte[] bytes, int length) {
        int i = 0;
        while (i < length && (Character.isLetterOrDigit(bytes[i]) || bytes[i] == '+' || bytes[i] == '-' || bytes[i] == '.')) {
            i++;
        }
        if (i == 0 || i >= length || bytes[i] != ':' || !Character.isLetter(bytes[0])) {
            return false;
        }
        boolean slashes = i + 2 < length && bytes[i + 1] == '/' && bytes[i + 2] == '/';
        boolean urn = i == 3 && (bytes[0] | 0x20) == 'u' && (bytes[1] | 0x20) == 'r' && (bytes[2] | 0x20) == 'n';
        if (!slashes && !urn) {
            return false;
        }
        for (int j = i + 1; j < length; j++) {
            if (bytes[j] == ' ' || bytes[j] == '\t' || bytes[j] == '\n' || bytes[j] == '\r') {
                return false;
            }
        }
        return i + 3 < length;
    }

    /**
     * 0 when the name is only the word ({@code ID}, {@code @id}), 1 when the rest names the row
     * element ({@code orderId} in an {@code order}), 2 otherwise ({@code UBLVersionID}): with few
     * rows, many columns happen to be unique, and the plainest name is the likeliest identity.
     */
    private static int nameFit(TablePlan.Table table, Schema.Column column) {
        String name = column.isValue() ? column.node().local : column.local();
        String word = lastWord(name);
        if (name.equalsIgnoreCase(word)) {
            return 0;
        }
        String rest = name.substring(0, name.length() - word.length()).replaceAll("[_.:-]+$", "");
        return rest.equalsIgnoreCase(table.root.local) ? 1 : 2;
    }

    /** An attribute of the row element, or the text of one of its child elements: what says who the record is. */
    private static boolean ownColumn(TablePlan.Table table, Schema.Column column) {
        return column.isValue() ? column.node().parent == table.root : column.node() == table.root;
    }

    /**
     * The rank of the column name's last word: 0 for id, uuid, guid, identifier; 1 for key;
     * 2 for number, no, nr, num; 3 for code; -1 when it is not id-like.
     */
    static int word(Schema.Column column) {
        String name = column.isValue() ? column.node().local : column.local();
        if (name.length() > 2 && name.length() <= 8 && name.endsWith("ID") && name.chars().allMatch(
                c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
            return 0; // an abbreviation ending in ID: PMID, CVEID
        }
        int rank = WORDS.indexOf(lastWord(name));
        if (rank < 0) {
            return -1;
        }
        return rank < 4 ? 0 : rank == 4 ? 1 : rank < 9 ? 2 : 3;
    }

    /** {@code orderId} -> id, {@code order_no} -> no, {@code ID} -> id, {@code InvoiceNumber} -> number, {@code IDValue} -> value. */
    static String lastWord(String name) {
        int end = name.length();
        int start = end;
        while (start > 0) {
            char c = name.charAt(start - 1);
            if (c == '_' || c == '-' || c == '.' || c == ':') {
                break;
            }
            if (Character.isUpperCase(c) && start - 1 > 0 && (Character.isLowerCase(name.charAt(start - 2))
                    || Character.isUpperCase(name.charAt(start - 2)) && start < end && Character.isLowerCase(name.charAt(start)))) {
                start--; // orderId, and after an abbreviation: IDValue, ProductIDType
                break;
            }
            start--;
        }
        return name.substring(start, end).toLowerCase(Locale.ROOT);
    }

    /** The archive entry whose rows come next. */
    void file(String path) {
        this.file = path;
    }

    /**
     * Why a key the user gave does not hold over the rows replayed, naming the first row that
     * breaks it; null when every given key holds. A hash collision can only report a repeat
     * that is not there (about n^2 / 2^65 for n rows), never miss one.
     */
    String givenKeyProblem() {
        for (TablePlan.Table table : plan.tables) {
            GivenKey key = givenKeys[table.index];
            if (key != null && key.problem != null) {
                List<String> columns = Arrays.stream(key.cells).mapToObj(table.columns::get).toList();
                return "the key " + columns + " given for table '" + table.name + "' " + key.problem
                        + "; a given key must be non-empty in every row and unique "
                        + (table.keyedWithinParent() ? "within its parent row" : "over the table");
            }
        }
        return null;
    }

    private void check(GivenKey key, RowReplay.Row row) {
        if (key.problem != null) {
            return;
        }
        long combined = 0;
        for (int cell : key.cells) {
            CsvField value = row.cells[cell];
            if (value.length == 0) {
                key.problem = "is empty (column '" + row.table.columns.get(cell) + "') in " + where(row);
                key.seen.release();
                return;
            }
            combined = Long.rotateLeft(combined, 29) * 0x9e3779b97f4a7c15L ^ hash(value.bytes, value.length);
        }
        long scope = row.table.keyedWithinParent() ? row.parent.instance : 0;
        if (key.scope != scope) {
            key.seen.clear();
            key.scope = scope;
        }
        if (!key.seen.add(combined)) {
            List<String> values = Arrays.stream(key.cells).mapToObj(c -> shown(row.cells[c])).toList();
            key.problem = "repeats " + String.join(", ", values) + " in " + where(row);
            key.seen.release();
        }
    }

    private String where(RowReplay.Row row) {
        return file + (row.line > 0 ? " line " + row.line : "") + " (row " + row.id + " of the table)";
    }

    private static String shown(CsvField value) {
        String text = new String(value.bytes, 0, Math.min(value.length, 100), java.nio.charset.StandardCharsets.UTF_8);
        return "'" + text + (value.length > 100 ? "..." : "") + "'";
    }

    /** Per table index, the cells this detector looks at: the other cells' bytes need not be read. */
    boolean[][] cellsRead() {
        boolean[][] read = new boolean[plan.tables.size()][];
        for (TablePlan.Table table : plan.tables) {
            read[table.index] = new boolean[table.columns.size()];
            for (Candidate candidate : candidates[table.index]) {
                for (int cell : candidate.cells) {
                    read[table.index][cell] = true;
                }
            }
            if (givenKeys[table.index] != null) {
                for (int cell : givenKeys[table.index].cells) {
                    read[table.index][cell] = true;
                }
            }
        }
        return read;
    }

    /** Looks at every row as it closes (a loop of its own: see {@link RowReplay.Rows}). */
    @Override
    public void replay(RowReplay.Cursor rows) throws IOException, FileConversionException {
        for (int event; (event = rows.next()) != RowReplay.END; ) {
            if (event == RowReplay.CLOSED) {
                closed(rows.row());
            }
        }
    }

    private void closed(RowReplay.Row row) {
        GivenKey given = givenKeys[row.table.index];
        if (given != null) {
            check(given, row);
            return;
        }
        Candidate[] ofTable = candidates[row.table.index];
        if (ofTable.length == 0) {
            return;
        }
        rowsSeen[row.table.index]++;
        boolean withinParent = row.table.keyedWithinParent();
        long scope = withinParent ? row.parent.instance : 0;
        for (Candidate candidate : ofTable) {
            if (!candidate.alive) {
                continue;
            }
            if (!filled(candidate, row)) {
                kill(candidate);
                continue;
            }
            if (candidate.scope != scope) {
                candidate.seen.clear();
                candidate.scope = scope;
            }
            if (!candidate.seen.add(keyHash(candidate.cells, row))) {
                kill(candidate);
            }
        }
    }

    /** Every cell of the candidate has a value, and a URI candidate's value is a URI. */
    private static boolean filled(Candidate candidate, RowReplay.Row row) {
        for (int cell : candidate.cells) {
            CsvField value = row.cells[cell];
            if (value.length == 0 || candidate.uri && !isUri(value.bytes, value.length)) {
                return false;
            }
        }
        return true;
    }

    /** The cells' hashes combined in order, as {@link #check} combines a given key's (one cell: its hash). */
    private static long keyHash(int[] cells, RowReplay.Row row) {
        long combined = 0;
        for (int cell : cells) {
            combined = Long.rotateLeft(combined, 29) * 0x9e3779b97f4a7c15L ^ hash(row.cells[cell].bytes, row.cells[cell].length);
        }
        return combined;
    }

    /**
     * Takes in what {@code later} saw, a detector of the same plan that replayed the files after
     * this one's (without given keys): a candidate holds if it held in both and, when it must be
     * unique over the whole table, no value of one is a value of the other. A candidate unique
     * within its parent row needs no more: a parent row and its children are in one file.
     */
    void absorb(KeyDetector later) {
        for (TablePlan.Table table : plan.tables) {
            rowsSeen[table.index] += later.rowsSeen[table.index];
            Candidate[] ours = candidates[table.index];
            Candidate[] theirs = later.candidates[table.index];
            for (int i = 0; i < ours.length; i++) {
                if (!ours[i].alive) {
                    continue;
                }
                if (!theirs[i].alive || !table.keyedWithinParent() && !ours[i].seen.addAllNew(theirs[i].seen)) {
                    kill(ours[i]);
                }
            }
        }
    }

    private static void kill(Candidate candidate) {
        candidate.alive = false;
        candidate.seen.release();
    }

    /** Sets every table's key, parents first, and the columns that copy a parent's key into its children. */
    void decide(boolean anyRows) {
        for (TablePlan.Table table : plan.tables) {
            if (table.keySource != KeySource.GIVEN) {
                decideOwn(table, anyRows);
            }
            if (table.keyedWithinParent() && table.parent.keySource != KeySource.NONE && table.keySource != KeySource.NONE) {
                for (String parentColumn : table.parent.primaryKey()) {
                    table.parentKey.add(table.unique(copyName(table.parent, parentColumn)));
                }
                table.parent.hasDependents = true;
            }
        }
    }

    private void decideOwn(TablePlan.Table table, boolean anyRows) {
        if (table.kind == TablePlan.Kind.DOCUMENT
                || table.keyedWithinParent() && table.parent.keySource == KeySource.NONE) {
            return;
        }
        for (Candidate candidate : candidates[table.index]) {
            // a table without rows has only its names to go by: an id-like name, never a weaker tier
            if (candidate.alive && anyRows && (rowsSeen[table.index] > 0 || candidate.tier == Tier.ID_WORD)) {
                table.ownKeyCells = candidate.cells;
                table.keySource = KeySource.DETECTED;
                return;
            }
        }
        if (table.keyedWithinParent()) {
            table.positionKey = true;
            table.positionColumn = table.unique(TablePlan.POSITION);
            table.keySource = KeySource.POSITION;
        }
    }

    /** A parent's own key column as its child names it: {@code @id} -> {@code order@id}, {@code id} -> {@code order.id}. */
    private static String copyName(TablePlan.Table parent, String column) {
        if (parent.parentKey.contains(column)) {
            return column; // already the grandparent's, named as such
        }
        return column.startsWith("@") ? parent.root.name + column : parent.root.name + "." + column;
    }

    /** 64-bit FNV-1a with a final mix. */
    static long hash(byte[] bytes, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            h ^= bytes[i] & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** An open-addressing set of longs (0 stands for itself through a spare flag). */
    static final class LongSet {
        private long[] slots = new long[16];
        private int size;
        private boolean hasZero;

        boolean add(long value) {
            if (value == 0) {
                boolean added = !hasZero;
                hasZero = true;
                return added;
            }
            if ((size + 1) * 2 > slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            for (int i = (int) (value ^ value >>> 32) & mask; ; i = i + 1 & mask) {
                if (slots[i] == 0) {
                    slots[i] = value;
                    size++;
                    return true;
                }
                if (slots[i] == value) {
                    return false;
                }
            }
        }

        /** Adds every value of {@code other}; false when one of them was here already. */
        boolean addAllNew(LongSet other) {
            if (other.hasZero && !add(0)) {
                return false;
            }
            for (long value : other.slots) {
                if (value != 0 && !add(value)) {
                    return false;
                }
            }
            return true;
        }

        void clear() {
            if (size > 0) {
                if (slots.length > 1024) {
                    slots = new long[16];
                } else {
                    Arrays.fill(slots, 0);
                }
            }
            size = 0;
            hasZero = false;
        }

        void release() {
            slots = new long[0];
            size = 0;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[Math.max(16, old.length * 2)];
            size = 0;
            for (long value : old) {
                if (value != 0) {
                    add(value);
                }
            }
        }
    }
}
