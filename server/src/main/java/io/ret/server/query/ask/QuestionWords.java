package io.ret.server.query.ask;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A question as words: lower case, accents kept, split on anything but letters and
 * digits, each word also in a crude singular form so "orders" meets a table {@code order}
 * and "cities" a column {@code city}.
 */
record QuestionWords(String text, List<String> words) {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern NUMBER_OF = Pattern.compile("(?:([\\p{L}\\p{N}]+)\\s+)?(?<![\\p{L}\\p{N}])number of(?![\\p{L}\\p{N}])");
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("one", 1), Map.entry("two", 2),
            Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5), Map.entry("six", 6),
            Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10),
            Map.entry("twenty", 20));
    static final Set<String> STOPWORDS = Set.of("a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "and", "or",
            "is", "are", "was", "were", "be", "what", "which", "who", "how", "many", "much", "with", "from", "that", "it",
            "its", "do", "does", "did", "there", "have", "has", "me", "all", "i", "we", "you", "per", "each");

    static QuestionWords of(String question) {
        String text = normalize(question);
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(m.group());
        }
        return new QuestionWords(text, words);
    }

    static String normalize(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    /** Words of an identifier: split on non-letters and camelCase, singular. */
    static List<String> nameWords(String name) {
        String spaced = name.replaceAll("([a-z])([A-Z])", "$1 $2");
        List<String> words = new ArrayList<>();
        Matcher m = WORD.matcher(normalize(spaced));
        while (m.find()) {
            words.add(singular(m.group()));
        }
        return words;
    }

    static String singular(String word) {
        if (word.length() > 4 && word.endsWith("ies")) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.length() > 4 && (word.endsWith("ses") || word.endsWith("xes") || word.endsWith("ches"))) {
            return word.substring(0, word.length() - 2);
        }
        if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    boolean has(String word) {
        return words.contains(word);
    }

    boolean hasPhrase(String phrase) {
        return Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(phrase) + "(?![\\p{L}\\p{N}])").matcher(text).find();
    }

    /** "the number of orders" counts; "the phone number of E48213" names a column ("phone number"). */
    boolean countsNumberOf() {
        Matcher m = NUMBER_OF.matcher(text);
        while (m.find()) {
            if (m.group(1) == null || STOPWORDS.contains(m.group(1)) || m.group(1).equals("total")) {
                return true;
            }
        }
        return false;
    }

    /** Whether every word of {@code name} occurs in the question (singular forms compared). */
    boolean mentions(String name) {
        List<String> wanted = nameWords(name);
        if (wanted.isEmpty()) {
            return false;
        }
        List<String> singular = words.stream().map(QuestionWords::singular).toList();
        return singular.containsAll(wanted) && !(wanted.size() == 1 && STOPWORDS.contains(wanted.getFirst()));
    }

    /** A count written as digits or a word ("top 3", "three"), if any. */
    Integer count() {
        for (String word : words) {
            if (word.matches("\\d{1,3}") && Integer.parseInt(word) > 0) {
                return Integer.parseInt(word);
            }
            if (NUMBERS.containsKey(word)) {
                return NUMBERS.get(word);
            }
        }
        return null;
    }
}
