package io.ret.server.rag;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one tokenization rule for keyword search, the extractive answerer and the
 * relevance gate. Letters and digits joined by inner {@code - _ . / : @} stay one term,
 * so {@code SKU-12345}, {@code ORD-2024-00017} and {@code a.b@c.de} are findable as
 * written; such a compound also yields its parts ({@code sku}, {@code 12345}) so a
 * partial id still matches, with less weight. Lower-cased; common English words
 * dropped.
 */
public final class Terms {
    private static final Set<String> STOP = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "but", "by", "did", "do", "does", "for", "from",
            "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of",
            "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to",
            "was", "we", "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with",
            "you", "your", "can", "show", "tell", "give", "list", "about");

    private Terms() {
    }

    /** A term and where it is in the input; {@code part} marks a piece of a compound. */
    public record Term(String text, int start, int end, boolean part) {}

    public static List<Term> scan(CharSequence s) {
        List<Term> terms = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!Character.isLetterOrDigit(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            boolean compound = false;
            while (i < n) {
                char c = s.charAt(i);
                if (Character.isLetterOrDigit(c)) {
                    i++;
                } else if (isJoiner(c) && i + 1 < n && Character.isLetterOrDigit(s.charAt(i + 1))) {
                    compound = true;
                    i++;
                } else {
                    break;
                }
            }
            String word = s.subSequence(start, i).toString().toLowerCase(Locale.ROOT);
            if (!STOP.contains(word)) {
                terms.add(new Term(word, start, i, false));
            }
            if (compound) {
                addParts(s, start, i, terms);
            }
        }
        return terms;
    }

    private static void addParts(CharSequence s, int from, int to, List<Term> terms) {
        int i = from;
        while (i < to) {
            int start = i;
            while (i < to && Character.isLetterOrDigit(s.charAt(i))) {
                i++;
            }
            String part = s.subSequence(start, i).toString().toLowerCase(Locale.ROOT);
            if (!part.isEmpty() && !STOP.contains(part)) {
                terms.add(new Term(part, start, i, true));
            }
            i++;
        }
    }

    private static boolean isJoiner(char c) {
        return c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '@';
    }

    public static List<String> words(CharSequence s) {
        return scan(s).stream().map(Term::text).toList();
    }

    /**
     * Terms that look like identifiers (a digit and at least 3 characters, whole compounds
     * only): an exact match on one of these is evidence of relevance on its own.
     */
    public static List<String> identifiers(CharSequence s) {
        return scan(s).stream()
                .filter(t -> !t.part() && t.text().length() >= 3 && t.text().chars().anyMatch(Character::isDigit))
                .map(Term::text)
                .distinct()
                .toList();
    }
}
