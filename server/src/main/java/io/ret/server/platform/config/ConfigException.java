package io.ret.server.platform.config;

/** Invalid configuration: the message is one line that names the offending key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
    }
}
