package io.ret.server.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ret.server.rag.embed.OnnxEmbeddingModel;
import io.ret.server.rag.embed.Vectors;

class MiniLmEmbeddingModelTest {
    @TempDir
    static Path runtime;
    static Set<String> homeBefore;
    static OnnxEmbeddingModel model;

    @BeforeAll
    static void load() throws IOException {
        homeBefore = homeEntries();
        model = OnnxEmbeddingModel.open(runtime, 2);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Set<String> homeEntries() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("user.home")))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void gives384DimensionalUnitVectors() {
        List<float[]> vectors = model.embed(List.of("order_id,status\nORD-1,shipped", "a second text"));

        assertThat(model.dimensions()).isEqualTo(384);
        assertThat(vectors).hasSize(2).allSatisfy(v -> {
            assertThat(v).hasSize(384);
            assertThat(Vectors.dot(v, v)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-3f));
        });
    }

    @Test
    void similarSentencesScoreHigherThanUnrelatedOnes() {
        float[] q = model.embed("Which customers live in Berlin?");
        float[] similar = model.embed("customer_name,city\nAnna Schmidt,Berlin");
        float[] unrelated = model.embed("The quarterly invoice total was paid by bank transfer.");

        assertThat(Vectors.cosine(q, similar)).isGreaterThan(Vectors.cosine(q, unrelated) + 0.1f);
    }

    @Test
    void keepsNativeCachesOutOfTheHomeDirectory() throws IOException {
        model.embed("warm up");

        assertThat(homeEntries()).isSubsetOf(homeBefore);
        assertThat(Path.of(System.getProperty("user.home"), ".djl.ai")).doesNotExist();
        // process-wide, and set for the test JVM by the build (see server/pom.xml)
        Path cache = Path.of(System.getProperty("DJL_CACHE_DIR"));
        assertThat(cache.startsWith(Path.of(System.getProperty("user.home")))).isFalse();
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(Path::toString)).anyMatch(p -> p.contains("tokenizers"));
        }
    }
}
