package io.ret.server.rag.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Passes answer text on as it streams, rewriting passage markers so the answer's
 * citations read 1..n in order of first use, without gaps: a model that cites
 * passages 1 and 3 writes "[1] … [3]", the reader sees "[1] … [2]". A marker split
 * over tokens ("[", "3", "]") is held back until it is complete. Numbers outside
 * 1..passages are not markers and pass unchanged.
 */
public final class MarkerRenumbering implements TokenListener {
    private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3}(?:\\s*,\\s*\\d{1,3})*)]");
    private static final Pattern PARTIAL = Pattern.compile("\\[[\\d,\\s]{0,20}$");

    private final int passages;
    private final TokenListener downstream;
    private final Map<Integer, Integer> markerOf = new LinkedHashMap<>();
    private final StringBuilder held = new StringBuilder();

    public MarkerRenumbering(int passages, TokenListener downstream) {
        this.passages = passages;
        this.downstream = downstream;
    }

    @Override
    public void onToken(String text) {
        held.append(text);
        Matcher partial = PARTIAL.matcher(held);
        int keep = partial.find() ? partial.start() : held.length();
        if (keep > 0) {
            String ready = rewrite(held.substring(0, keep));
            held.delete(0, keep);
            downstream.onToken(ready);
        }
    }

    /** Sends what is still held back (call once the answer is complete). */
    public void finish() {
        if (!held.isEmpty()) {
            String rest = rewrite(held.toString());
            held.setLength(0);
            downstream.onToken(rest);
        }
    }

    /** The passage (1-based) each new marker stands for, by marker 1..n. */
    public List<Integer> passagesByMarker() {
        return new ArrayList<>(markerOf.keySet());
    }

    private String rewrite(String text) {
        Matcher m = MARKER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            StringBuilder marker = new StringBuilder("[");
            boolean any = false;
            for (String n : m.group(1).split(",")) {
                int passage = Integer.parseInt(n.strip());
                if (any) {
                    marker.append(", ");
                }
                any = true;
                if (passage >= 1 && passage <= passages) {
                    marker.append(markerOf.computeIfAbsent(passage, p -> markerOf.size() + 1));
                } else {
                    marker.append(passage);
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(marker.append(']').toString()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
