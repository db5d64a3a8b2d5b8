package io.ret.server.rag.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.core.RequestOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.ret.server.rag.embed.EmbeddingModel;
import io.ret.server.rag.embed.Vectors;
import io.ret.server.rag.resilience.Resilience;

/**
 * Embeddings from an Azure OpenAI deployment (or compatible server), in batches of
 * {@code batchSize} texts, each batch one resilient call. Vectors come back as base64
 * floats (the SDK's default, a quarter of the JSON size) and are normalised.
 */
public final class OpenAiEmbeddingModel implements EmbeddingModel {
    private final OpenAiEndpoint endpoint;
    private final OpenAIClient client;
    private final String deployment;
    private final int dimensions;
    private final boolean sendDimensions;
    private final int batchSize;
    private final Resilience resilience;

    /**
     * @param dimensions     the deployment's output size
     * @param sendDimensions ask for {@code dimensions} (text-embedding-3 models can shorten their output)
     */
    public OpenAiEmbeddingModel(OpenAiEndpoint endpoint, String deployment, int dimensions, boolean sendDimensions,
                                int batchSize, Resilience.Policy policy) {
        this.endpoint = endpoint;
        this.client = endpoint.newClient();
        this.deployment = deployment;
        this.dimensions = dimensions;
        this.sendDimensions = sendDimensions;
        this.batchSize = batchSize;
        this.resilience = new Resilience("embeddings " + deployment, policy, OpenAiEndpoint::classify);
    }

    @Override
    public String name() {
        return "openai:" + deployment + ":" + dimensions;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    public Resilience resilience() {
        return resilience;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            out.addAll(embedBatch(texts.subList(from, Math.min(texts.size(), from + batchSize))));
        }
        return out;
    }

    private List<float[]> embedBatch(List<String> batch) {
        var params = EmbeddingCreateParams.builder().model(deployment).inputOfArrayOfStrings(batch);
        if (sendDimensions) {
            params.dimensions(dimensions);
        }
        EmbeddingCreateParams built = params.build();
        CreateEmbeddingResponse response = resilience.call((Duration timeout) -> client.embeddings()
                .create(built, RequestOptions.builder().timeout(endpoint.timeout(timeout)).build()));
        if (response.data().size() != batch.size()) {
            throw new IllegalStateException(name() + " returned " + response.data().size() + " vectors for " + batch.size() + " texts");
        }
        return response.data().stream()
                .sorted(Comparator.comparingLong(com.openai.models.embeddings.Embedding::index))
                .map(e -> {
                    List<Float> values = e.embedding();
                    if (values.size() != dimensions) {
                        throw new IllegalStateException(name() + " returned " + values.size() + " dimensions");
                    }
                    float[] v = new float[values.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = values.get(i);
                    }
                    return Vectors.normalize(v);
                })
                .toList();
    }

    @Override
    public void close() {
        client.close();
    }
}
