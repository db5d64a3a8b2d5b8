package io.ret.server.auth;

import java.util.Locale;
import java.util.regex.Pattern;

import io.ret.operator.api.RetJobValidation;
import io.ret.server.platform.error.ApiException;

/** Usernames: 3-64 characters of letters, digits and . _ @ -, compared case-insensitively. */
final class Usernames {
    /** The job resources' schema checks spec.owner with the same pattern. */
    private static final Pattern VALID = Pattern.compile(RetJobValidation.USERNAME);

    private Usernames() {
    }

    static String normalize(String field, String username) {
        if (username == null || username.isBlank()) {
            throw ApiException.invalid(field, "is required");
        }
        if (username.length() > 64) {
            throw ApiException.invalid(field, "is longer than 64 characters");
        }
        String lower = username.strip().toLowerCase(Locale.ROOT);
        if (!VALID.matcher(lower).matches()) {
            throw ApiException.invalid(field, "must be 3-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
        return lower;
    }

    /** Normalised form, or null if it could never be a username (so lookups can skip the database). */
    static String normalizeOrNull(String username) {
        if (username == null || username.length() > 64) {
            return null;
        }
        String lower = username.strip().toLowerCase(Locale.ROOT);
        return VALID.matcher(lower).matches() ? lower : null;
    }
}
