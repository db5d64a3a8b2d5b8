package io.ret.server.query.ask;

import java.util.List;

/**
 * Offered every chat question first: answers those that need counting, sums, averages,
 * extremes, top-N, filters or grouping from SQL over the collection's tables.
 */
public interface TabularAnswerer {
    TabularAnswerer NONE = (sessionIds, question) -> new NotTabular();

    Outcome answer(List<String> sessionIds, String question);

    sealed interface Outcome {
    }

    /**
     * Answered from SQL.
     *
     * @param text    the answer, its figure, its [n] markers and the SQL it came from
     * @param sources marker 1 is the statement; the rest are the rows it counted, when few
     * @param model   the chat model that wrote the SQL, or empty for the offline planner
     */
    record Answered(String text, List<Source> sources, String model) implements Outcome {
        public Answered {
            sources = List.copyOf(sources);
        }
    }

    /** It asks for a figure, but no SQL could be planned: retrieval answers, after this note. */
    record Declined(String note) implements Outcome {
    }

    /** Not a tabular question: retrieval answers. */
    record NotTabular() implements Outcome {
    }

    /**
     * What an [n] marker of an exact answer points to.
     *
     * @param row     1-based data row of {@code file}; 0 for the statement itself
     * @param snippet the CSV header and the row, or the statement
     * @param sql     the statement the answer came from
     */
    record Source(int marker, String sessionId, String file, long row, String snippet, String sql) {
    }
}
