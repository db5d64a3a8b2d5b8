package io.ret.server.rag.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import io.ret.server.platform.config.Settings.Secret;
import io.ret.server.rag.resilience.Failure;

/**
 * An Azure OpenAI resource or any OpenAI-compatible server, and how to reach it.
 *
 * <p>{@link Flavor#AZURE}: {@code api-key} header and
 * {@code /openai/deployments/{deployment}/...?api-version=}. For Azure hosts the SDK
 * picks the path style itself (legacy, or unified for a base URL ending {@code /openai/v1});
 * for any other host (a gateway, a test server) the legacy deployment paths are forced.
 * {@link Flavor#OPENAI}: bearer token and {@code /embeddings}, {@code /chat/completions}
 * under the base URL, for OpenAI itself and compatible servers.
 *
 * <p>The SDK's own retries are off: {@link io.ret.server.rag.resilience.Resilience} retries,
 * with the breaker and deadline the SDK lacks.
 */
public record OpenAiEndpoint(Flavor flavor, String baseUrl, Secret apiKey, String apiVersion,
                             Duration connectTimeout, Duration readTimeout) {

    public enum Flavor { AZURE, OPENAI }

    public OpenAiEndpoint {
        URI uri = URI.create(baseUrl);
        if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL with a host");
        }
    }

    public boolean isAzureHost() {
        String host = URI.create(baseUrl).getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(".openai.azure.com") || host.endsWith(".services.ai.azure.com")
                || host.endsWith(".cognitiveservices.azure.com") || host.endsWith(".azure-api.net");
    }

    public OpenAIClient newClient() {
        var builder = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl)
                .maxRetries(0)
                .timeout(Timeout.builder().connect(connectTimeout).read(readTimeout).build());
        switch (flavor) {
            case AZURE -> builder
                    .credential(AzureApiKeyCredential.create(apiKey.value()))
                    .azureServiceVersion(AzureOpenAIServiceVersion.fromString(apiVersion))
                    .azureUrlPathMode(isAzureHost() ? AzureUrlPathMode.AUTO : AzureUrlPathMode.LEGACY);
            case OPENAI -> builder.apiKey(apiKey.value());
        }
        return builder.build();
    }

    /** Per-attempt timeouts: connect and idle-read as configured, the whole exchange within {@code total}. */
    public Timeout timeout(Duration total) {
        return Timeout.builder().connect(min(connectTimeout, total)).read(min(readTimeout, total)).request(total).build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** 408, 409, 429 and 5xx and network errors are transient; other statuses are the request's fault. */
    public static Failure classify(Exception e) {
        if (e instanceof OpenAIServiceException s) {
            int status = s.statusCode();
            if (status == 408 || status == 409 || status == 429 || status >= 500) {
                return new Failure.Transient(retryAfter(s.headers()));
            }
            return new Failure.Permanent();
        }
        if (e instanceof OpenAIIoException || e instanceof java.io.IOException) {
            return new Failure.Transient(Optional.empty());
        }
        return new Failure.Permanent();
    }

    /** {@code retry-after-ms} (Azure, OpenAI) or {@code Retry-After} in seconds; HTTP dates are ignored. */
    static Optional<Duration> retryAfter(Headers headers) {
        try {
            var ms = headers.values("retry-after-ms");
            if (!ms.isEmpty()) {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(ms.getFirst().strip())));
            }
            var seconds = headers.values("retry-after");
            if (!seconds.isEmpty()) {
                return Optional.of(Duration.ofMillis((long) (Double.parseDouble(seconds.getFirst().strip()) * 1000)));
            }
        } catch (NumberFormatException e) {
            // an HTTP-date: fall back to our own backoff
        }
        return Optional.empty();
    }
}
