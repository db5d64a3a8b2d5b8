package io.ret.server.rag.chat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ret.server.rag.Chunk;
import io.ret.server.rag.Terms;

/**
 * Which rows of a cited chunk an answer quotes: the text before each {@code [n]} marker (back
 * to the line start or the previous marker) is matched against the chunk's rows, and the rows
 * sharing the most terms with it are the ones cited. A citation then points at the row that
 * answers ({@code first_row == last_row}), not at every row the chunk holds. With nothing to
 * tell the rows apart the whole chunk is cited.
 */
public final class CitedRows {
    private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3}(?:\\s*,\\s*\\d{1,3})*)]");

    /**
     * @param lines the data lines of those rows (the chunk's text after its header)
     */
    public record Rows(long firstRow, long lastRow, String header, List<String> lines) {
        /** Header plus the rows, as a citation's snippet. */
        public String text() {
            return header + "\n" + String.join("\n", lines);
        }
    }

    private CitedRows() {
    }

    public static Rows of(String answer, int marker, Chunk chunk) {
        String[] lines = chunk.text().split("\n");
        String header = lines[0];
        List<String> data = List.of(lines).subList(1, lines.length);
        if (chunk.firstRow() == chunk.lastRow() || data.size() <= 1) {
            return new Rows(chunk.firstRow(), chunk.lastRow(), header, data);
        }
        Set<String> quoted = new HashSet<>(Terms.words(textBefore(answer, marker)));
        int best = 0;
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            int score = (int) new HashSet<>(Terms.words(data.get(i))).stream().filter(quoted::contains).count();
            if (score > best) {
                best = score;
                rows.clear();
            }
            if (score == best && score > 0) {
                rows.add(i);
            }
        }
        if (rows.isEmpty()) {
            return new Rows(chunk.firstRow(), chunk.lastRow(), header, data);
        }
        return new Rows(chunk.firstRow() + rows.getFirst(), chunk.firstRow() + rows.getLast(), header,
                data.subList(rows.getFirst(), rows.getLast() + 1));
    }

    /** The answer text that each occurrence of {@code [marker]} refers to, joined. */
    static String textBefore(String answer, int marker) {
        StringBuilder out = new StringBuilder();
        Matcher m = MARKER.matcher(answer);
        int segmentStart = 0;
        while (m.find()) {
            boolean cites = false;
            for (String n : m.group(1).split(",")) {
                cites |= Integer.parseInt(n.strip()) == marker;
            }
            if (cites) {
                int lineStart = answer.lastIndexOf('\n', m.start() - 1) + 1;
                out.append(answer, Math.max(segmentStart, lineStart), m.start()).append('\n');
            }
            segmentStart = m.end();
        }
        return out.toString();
    }
}
