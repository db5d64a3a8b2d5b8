package io.ret.server.query.ask;

import java.time.Duration;

import io.ret.server.platform.config.RetConfig;
import io.ret.server.query.SqlSandbox;
import io.ret.server.rag.RagConfig;
import io.ret.server.session.SessionStorage;
import io.ret.server.session.SessionStore;

/** Picks the exact answerer: by tool calling when a chat model is configured, else the offline planner. */
public final class TabularAnswerers {
    private TabularAnswerers() {
    }

    public static TabularAnswerer create(RetConfig config, SessionStore sessions, SessionStorage storage, SqlSandbox sandbox) {
        ExactAnswers offline = new ExactAnswers(sessions, new SessionDictionaries(sessions, storage), sandbox);
        RagConfig rag = RagConfig.from(config.settings(), config.runtimeDir());
        if (rag.chat() == RagConfig.ChatKind.OPENAI) {
            return new ModelSqlAnswers(offline, sandbox, rag.openai().orElseThrow(), rag.chatDeployment(),
                    Duration.ofSeconds(60));
        }
        return offline;
    }
}
