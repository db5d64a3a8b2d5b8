package io.ret.server.conversion;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides which elements inside the records become child tables although no parent in the
 * archive holds two of them: elements that are members of a list by their shape, so that
 * the version of the data where some record has a second one keeps the same tables. See
 * docs/flattening.md, "Repeated elements", for the rules in prose.
 *
 * <p>Only elements with structure (child elements or attributes) qualify; a leaf stays a
 * column. Each rule looks at names and shape, never at which values happen to be present.
 */
final class ListElements {

    private ListElements() {
    }

    /**
     * Per path id: the element starts a child table as if it repeated.
     *
     * @param records the record elements of this record type
     */
    static boolean[] of(Schema schema, List<PathNode> records) {
        boolean[] list = new boolean[schema.nodes().size()];
        Set<String> repeatedNames = new HashSet<>();
        for (PathNode node : schema.nodes()) {
            if (node.repeated && structured(node) && within(node, records) != null) {
                repeatedNames.add(node.namespace + "\u0000" + node.local);
            }
        }
        for (PathNode node : schema.nodes()) {
            PathNode record = within(node, records);
            if (node.repeated || record == null || node == record || !structured(node)) {
                continue;
            }
            list[node.id] = repeatedNames.contains(node.namespace + "\u0000" + node.local)
                    || inPluralWrapper(node)
                    || node.parent == record && (hasOwnIdentity(node) && RecordSelector.namesItself(record)
                            || memberNoun(node.local) || numbersItsPlace(node));
        }
        return list;
    }

    private static boolean structured(PathNode node) {
        return node.hasChildElements || node.hasAttributes;
    }

    /** The record element the node lies within (itself included), or null. */
    private static PathNode within(PathNode node, List<PathNode> records) {
        for (PathNode record : records) {
            if (node.isWithin(record)) {
                return record;
            }
        }
        return null;
    }

    /**
     * The parent holds no other element and is named as the node's plural or as a list:
     * {@code lines/line}, {@code entries/entry}, {@code addresses/address}, {@code LineList/Line}.
     */
    static boolean inPluralWrapper(PathNode node) {
        PathNode parent = node.parent;
        if (parent.children.size() != 1 || parent.value != null) {
            return false;
        }
        String item = node.local.toLowerCase(Locale.ROOT);
        String wrapper = parent.local.toLowerCase(Locale.ROOT);
        return wrapper.equals(item + "s") || wrapper.equals(item + "es")
                || item.endsWith("y") && wrapper.equals(item.substring(0, item.length() - 1) + "ies")
                || wrapper.endsWith("list") && wrapper.length() > "list".length();
    }

    /**
     * An attribute or leaf child whose name is only an identity word, or that word after the
     * element's own name ({@code @id}, {@code ID}, {@code @no}, {@code lineNumber} in a
     * {@code line}, {@code PmtInfId} in a {@code PmtInf}); codes do not count, nor ids named
     * after something else ({@code CompanyID}, {@code MsgId} in a header).
     */
    static boolean hasOwnIdentity(PathNode node) {
        for (Schema.Column attribute : node.attributes) {
            if (identity(node, attribute.local())) {
                return true;
            }
        }
        for (PathNode child : node.children) {
            if (!child.repeated && child.children.isEmpty() && child.value != null && identity(node, child.local)) {
                return true;
            }
        }
        return false;
    }

    /**
     * An attribute or leaf child numbers the element's place in a sequence, which only a
     * member of a list has: {@code SequenceNumber} (an ONIX {@code Contributor}), {@code seqNo},
     * {@code @sequence}.
     */
    static boolean numbersItsPlace(PathNode node) {
        for (Schema.Column attribute : node.attributes) {
            if (sequenceNumber(attribute.local())) {
                return true;
            }
        }
        for (PathNode child : node.children) {
            if (!child.repeated && child.children.isEmpty() && child.value != null && sequenceNumber(child.local)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sequenceNumber(String name) {
        String word = KeyDetector.lastWord(name);
        if (word.equals("sequence") || word.equals("seq")) {
            return true;
        }
        String rest = name.substring(0, name.length() - word.length()).replaceAll("[_.:-]+$", "");
        String before = rest.isEmpty() ? "" : KeyDetector.lastWord(rest);
        return List.of("number", "no", "nr", "num").contains(word) && (before.equals("sequence") || before.equals("seq"));
    }

    /** Nouns that name one member of a list, whatever the list holds. */
    private static final List<String> MEMBER_NOUNS = List.of("entry", "item", "line", "record", "row", "member",
            "transaction", "event");
    /** Abbreviations of those nouns that are not their consonants: ISO 20022's {@code Tx}. */
    private static final List<String> MEMBER_ABBREVIATIONS = List.of("tx", "txn");
    /** Last words that only say "about the word before": {@code CdtTrfTxInf}, {@code ItemDetails}. */
    private static final List<String> ABOUT_WORDS = List.of("inf", "info", "information", "dtls", "details", "data");

    /**
     * The name (or its last word, or the word before a last word such as {@code Info} or
     * {@code Details}) is a noun for one member of a list, {@code entry}, {@code item},
     * {@code line}, {@code record}, {@code transaction}..., written out or abbreviated as
     * standards do: its vowels left out ({@code Ntry}, {@code Rcrd}), but a first one
     * ({@code Itm}), or {@code Tx}: {@code OrderLine}, {@code LineItem}, {@code Ntry},
     * {@code CdtTrfTxInf} (a credit transfer transaction's information).
     */
    static boolean memberNoun(String name) {
        String word = KeyDetector.lastWord(name);
        if (ABOUT_WORDS.contains(word) && word.length() < name.length()) {
            String rest = name.substring(0, name.length() - word.length()).replaceAll("[_.:-]+$", "");
            word = rest.isEmpty() ? word : KeyDetector.lastWord(rest);
        }
        if (MEMBER_ABBREVIATIONS.contains(word)) {
            return true;
        }
        for (String noun : MEMBER_NOUNS) {
            String consonants = noun.replaceAll("[aeiou]", "");
            String firstKept = noun.charAt(0) + noun.substring(1).replaceAll("[aeiou]", "");
            if (word.equals(noun) || consonants.length() >= 3 && word.equals(consonants)
                    || firstKept.length() >= 3 && word.equals(firstKept)) {
                return true;
            }
        }
        return false;
    }

    private static boolean identity(PathNode node, String name) {
        String word = KeyDetector.lastWord(name);
        int rank = List.of("id", "uuid", "guid", "identifier", "key", "number", "no", "nr", "num").indexOf(word);
        if (rank < 0) {
            return false;
        }
        String rest = name.substring(0, name.length() - word.length()).replaceAll("[_.:-]+$", "");
        return rest.isEmpty() || rest.equalsIgnoreCase(node.local);
    }
}
