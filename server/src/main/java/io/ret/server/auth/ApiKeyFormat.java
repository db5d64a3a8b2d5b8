package io.ret.server.auth;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys look like {@code ret_<prefix>_<secret>}: the 8-character prefix
 * identifies the key in lists and logs, the 43-character secret carries 256
 * random bits.
 */
final class ApiKeyFormat {
    private static final Pattern FORMAT = Pattern.compile("ret_([a-z0-9]{8})_([A-Za-z0-9_-]{43})");
    private static final String PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyFormat() {
    }

    record NewKey(String prefix, String secret) {
        String full() {
            return "ret_" + prefix + "_" + secret;
        }
    }

    static NewKey generate() {
        StringBuilder prefix = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            prefix.append(PREFIX_ALPHABET.charAt(RANDOM.nextInt(PREFIX_ALPHABET.length())));
        }
        return new NewKey(prefix.toString(), Secrets.randomToken(32));
    }

    static Optional<String> prefixOf(String key) {
        Matcher m = FORMAT.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
