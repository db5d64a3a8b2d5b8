package io.ret.server.query.ask;

import io.ret.api.v1.ChatUsage;
import io.ret.api.v1.Citation;

/** Maps an exact answer's sources and usage to RagService messages. */
public final class ExactAnswerProtos {
    private ExactAnswerProtos() {
    }

    public static Citation citation(TabularAnswerer.Source source) {
        return Citation.newBuilder()
                .setMarker(source.marker())
                .setSessionId(source.sessionId())
                .setFile(source.file())
                .setFirstRow(source.row())
                .setLastRow(source.row())
                .setSnippet(source.snippet())
                .setSql(source.sql())
                .build();
    }

    public static ChatUsage usage(TabularAnswerer.Answered answer) {
        return ChatUsage.newBuilder()
                .setModel(answer.model().isEmpty() ? "sql-planner" : answer.model())
                .setExtractive(answer.model().isEmpty())
                .setExact(true)
                .build();
    }
}
