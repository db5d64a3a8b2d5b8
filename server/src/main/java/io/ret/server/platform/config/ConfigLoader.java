package io.ret.server.platform.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;

/**
 * Builds the configuration. Highest precedence first: explicit overrides (tests,
 * command-line flags), environment variables ({@code RET_GRPC_PORT} is
 * {@code ret.grpc.port}), system properties, an optional YAML file named by
 * {@code RET_CONFIG_FILE}, and the defaults in {@code application.yaml}.
 */
public final class ConfigLoader {
    public static final String CONFIG_FILE_ENV = "RET_CONFIG_FILE";

    private ConfigLoader() {
    }

    public static Settings load(Map<String, String> overrides) {
        return load(overrides, true);
    }

    /** @param useEnvironment false in tests, so a developer's RET_* variables do not leak in */
    public static Settings load(Map<String, String> overrides, boolean useEnvironment) {
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        if (!overrides.isEmpty()) {
            sources.add(ConfigSources.create(overrides, "overrides"));
        }
        if (useEnvironment) {
            sources.add(ConfigSources::environmentVariables);
            sources.add(ConfigSources.systemProperties());
            configFile(overrides).ifPresent(file -> sources.add(ConfigSources.file(file)));
        }
        sources.add(ConfigSources.classpath("application.yaml"));
        Config config = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(sources)
                .build();
        return new Settings(config);
    }

    private static Optional<Path> configFile(Map<String, String> overrides) {
        String named = overrides.getOrDefault("ret.config.file", System.getenv(CONFIG_FILE_ENV));
        if (named == null || named.isBlank()) {
            return Optional.empty();
        }
        Path file = Path.of(named);
        if (!Files.isReadable(file)) {
            throw new ConfigException(CONFIG_FILE_ENV, "file '" + named + "' does not exist or is not readable");
        }
        return Optional.of(file);
    }
}
