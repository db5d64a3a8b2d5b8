package io.ret.server.rag.embed;

import java.util.List;

/** Turns texts into vectors. Implementations are thread-safe. */
public interface EmbeddingModel extends AutoCloseable {

    /** Identifies the model and its output space; vectors from different names are not comparable. */
    String name();

    int dimensions();

    /** One unit-length vector per text, in order. */
    List<float[]> embed(List<String> texts);

    default float[] embed(String text) {
        return embed(List.of(text)).getFirst();
    }

    /** The vector to search with for {@code query} (some models embed queries with an instruction). */
    default float[] embedQuery(String query) {
        return embed(query);
    }

    @Override
    default void close() {
    }
}
