package io.ret.server.rag.chat;

import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds which context passages an answer cites: {@code [2]}, {@code [1][3]}, {@code [1, 4]}. */
public final class Citations {
    private static final Pattern BRACKET = Pattern.compile("\\[(\\d{1,3}(?:\\s*,\\s*\\d{1,3})*)]");

    private Citations() {
    }

    /** Passage numbers (1-based) cited, ascending and distinct; numbers outside 1..passages are ignored. */
    public static List<Integer> cited(String answer, int passages) {
        TreeSet<Integer> used = new TreeSet<>();
        Matcher m = BRACKET.matcher(answer);
        while (m.find()) {
            for (String n : m.group(1).split(",")) {
                int i = Integer.parseInt(n.strip());
                if (i >= 1 && i <= passages) {
                    used.add(i);
                }
            }
        }
        return List.copyOf(used);
    }
}
