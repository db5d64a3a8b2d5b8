package io.ret.server.rag.chat;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.ret.server.rag.Terms;

/**
 * Resolves a follow-up question through the conversation, in every chat mode: "and who is
 * its customer?" after an answer about order ORD-7 is searched for together with the rows
 * that answer cited, so retrieval (and the extractive answerer, which ranks rows by the
 * search text) lands on ORD-7's record and whatever shares its identifiers. A question that
 * names its own identifier, or has no earlier answer to lean on, is searched as asked.
 */
public final class FollowUp {
    private static final Set<String> REFERRING = Set.of("it", "its", "it's", "they", "them", "their", "theirs", "he",
            "him", "his", "she", "her", "hers", "this", "that", "these", "those", "there", "same", "former", "latter");
    private static final Pattern OPENING = Pattern.compile("^(and|also|what about|how about|and what about)\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern WORD = Pattern.compile("[\\p{L}']+");
    /** Cited rows taken along. */
    private static final int MAX_ROWS = 3;

    private FollowUp() {
    }

    /**
     * @param citedRows the data rows the previous answer cited (header lines left out), in marker order;
     *                  empty when there was no previous answer or it cited nothing
     * @return the text to retrieve with: the question, plus the cited rows when it refers back to them
     */
    public static String searchText(String question, List<String> citedRows) {
        if (citedRows.isEmpty() || !refersBack(question)) {
            return question;
        }
        StringBuilder text = new StringBuilder(question);
        citedRows.stream().limit(MAX_ROWS).forEach(row -> text.append('\n').append(row));
        return text.toString();
    }

    /** The question points at something said before and names no identifier of its own. */
    static boolean refersBack(String question) {
        if (!Terms.identifiers(question).isEmpty()) {
            return false;
        }
        if (OPENING.matcher(question.strip()).matches()) {
            return true;
        }
        var words = WORD.matcher(question.toLowerCase(Locale.ROOT));
        while (words.find()) {
            if (REFERRING.contains(words.group())) {
                return true;
            }
        }
        return false;
    }
}
