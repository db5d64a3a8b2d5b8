package io.ret.server.platform.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * Typed, validated reads of Helidon config values. Every failure names its key,
 * and values are never echoed for keys that hold secrets.
 */
public final class Settings {
    private final Config root;

    public Settings(Config root) {
        this.root = root;
    }

    public Config node(String key) {
        return root.get(key);
    }

    public Optional<String> optionalString(String key) {
        return root.get(key).asString().asOptional().map(String::strip).filter(s -> !s.isEmpty());
    }

    public String string(String key) {
        return optionalString(key).orElseThrow(() -> new ConfigException(key, "is required"));
    }

    /** A secret: read like a string, but never quoted back in an error message. */
    public Optional<Secret> secret(String key) {
        return optionalString(key).map(Secret::new);
    }

    public int integer(String key, int min, int max) {
        String raw = string(key);
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new ConfigException(key, "'" + raw + "' is out of range " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + raw + "' is not a whole number");
        }
    }

    public long longValue(String key, long min, long max) {
        String raw = string(key);
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                throw new ConfigException(key, "'" + raw + "' is out of range " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + raw + "' is not a whole number");
        }
    }

    public boolean bool(String key) {
        String raw = string(key);
        return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "'" + raw + "' is not true or false");
        };
    }

    /** ISO-8601 duration such as PT60S. */
    public Duration duration(String key, Duration min) {
        String raw = string(key);
        try {
            Duration value = Duration.parse(raw);
            if (value.compareTo(min) < 0) {
                throw new ConfigException(key, "'" + raw + "' is shorter than " + min);
            }
            return value;
        } catch (DateTimeParseException e) {
            throw new ConfigException(key, "'" + raw + "' is not an ISO-8601 duration such as PT30S");
        }
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String raw = string(key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(raw)) {
                return constant;
            }
        }
        throw new ConfigException(key, "'" + raw + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants())
                .toLowerCase(java.util.Locale.ROOT));
    }

    /** A value that must not reach logs or error messages. */
    public record Secret(String value) {
        @Override
        public String toString() {
            return "***";
        }
    }
}
