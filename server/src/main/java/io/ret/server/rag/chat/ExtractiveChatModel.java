package io.ret.server.rag.chat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.ret.server.rag.Chunk;
import io.ret.server.rag.Terms;
import io.ret.server.rag.chunk.CsvFields;

/**
 * The answerer when no language model is configured: quotes the rows of the context
 * that share the most terms with the search text (the question, resolved through the
 * conversation for a follow-up; identifiers count triple), each with its passage marker,
 * under a heading that says this is an extract, not a written answer. Usage reports
 * {@code extractive=true}.
 */
public final class ExtractiveChatModel implements ChatModel {
    public static final String NAME = "extractive";
    static final String HEADING = "Extractive answer (no language model is configured): the rows that best match your question.\n";

    private final int maxRows;

    public ExtractiveChatModel(int maxRows) {
        this.maxRows = maxRows;
    }

    public ExtractiveChatModel() {
        this(3);
    }

    @Override
    public String name() {
        return NAME;
    }

    private record Row(int passage, Chunk chunk, long rowNumber, String line, double score) {}

    @Override
    public ChatUsage answer(ChatRequest request, TokenListener tokens) {
        Set<String> words = new HashSet<>(Terms.words(request.searchText()));
        Set<String> ids = new HashSet<>(Terms.identifiers(request.searchText()));
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < request.context().size(); p++) {
            Chunk chunk = request.context().get(p);
            String[] lines = chunk.text().split("\n");
            List<String> header = CsvFields.split(lines[0]);
            for (int i = 1; i < lines.length; i++) {
                long rowNumber = chunk.firstRow() == chunk.lastRow() ? chunk.firstRow() : chunk.firstRow() + i - 1;
                double score = 0;
                for (String term : new HashSet<>(Terms.words(lines[i]))) {
                    if (ids.contains(term)) {
                        score += 3;
                    } else if (words.contains(term)) {
                        score += 1;
                    }
                }
                score += 0.5 * askedColumns(header, CsvFields.split(lines[i]), words, ids);
                // earlier passages ranked higher: a small bonus breaks ties in their favour
                rows.add(new Row(p + 1, chunk, rowNumber, lines[i], score + 0.01 * (request.context().size() - p)));
            }
        }
        List<Row> best = rows.stream()
                .sorted(Comparator.comparingDouble(Row::score).reversed())
                .limit(maxRows)
                .toList();
        if (best.isEmpty()) {
            tokens.onToken("Extractive answer: the data provided does not contain rows matching this question.");
            return new ChatUsage(NAME, 0, 0, true);
        }
        tokens.onToken(HEADING);
        for (Row row : best) {
            String header = row.chunk().text().split("\n", 2)[0];
            tokens.onToken("- " + row.chunk().file() + " row " + row.rowNumber() + ": "
                    + labelled(header, row.line()) + " [" + row.passage() + "]\n");
        }
        return new ChatUsage(NAME, 0, 0, true);
    }

    /**
     * Columns the question names ("phone number of E48213" names {@code phone}) that hold a value
     * in this row, other than a column holding one of its identifiers: a parent's row, which has
     * the asked column, goes before its child rows, which repeat only the parent's key.
     */
    static int askedColumns(List<String> header, List<String> values, Set<String> words, Set<String> ids) {
        if (header.size() != values.size()) {
            return 0;
        }
        int asked = 0;
        for (int c = 0; c < header.size(); c++) {
            String value = values.get(c);
            if (value.isBlank() || Terms.words(value).stream().anyMatch(ids::contains)) {
                continue;
            }
            if (Terms.words(header.get(c)).stream().anyMatch(words::contains)) {
                asked++;
            }
        }
        return asked;
    }

    /** "a,b" + "1,2" → "a=1, b=2", so a quoted row reads without its header. */
    static String labelled(String header, String line) {
        List<String> names = CsvFields.split(header);
        List<String> values = CsvFields.split(line);
        if (names.size() != values.size()) {
            return line;
        }
        var out = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(names.get(i)).append('=').append(values.get(i));
        }
        return out.toString();
    }
}
