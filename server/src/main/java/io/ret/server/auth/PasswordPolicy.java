package io.ret.server.auth;

import io.ret.server.platform.error.ApiException;

/**
 * OWASP ASVS password rules: a minimum length (8 by default), long passphrases
 * allowed (128 by default; never truncated), any printable Unicode, no
 * control characters. Length counts code points after NFKC normalisation.
 */
final class PasswordPolicy {
    private final int min;
    private final int max;

    PasswordPolicy(int min, int max) {
        this.min = min;
        this.max = max;
    }

    void check(String field, String password) {
        if (password == null || password.isEmpty()) {
            throw ApiException.invalid(field, "is required");
        }
        // checked before normalising, so a huge input costs nothing
        if (password.length() > max * 2) {
            throw ApiException.invalid(field, "is longer than " + max + " characters");
        }
        String normalized = PasswordHasher.normalize(password);
        int length = normalized.codePointCount(0, normalized.length());
        if (length < min) {
            throw ApiException.invalid(field, "must have at least " + min + " characters");
        }
        if (length > max) {
            throw ApiException.invalid(field, "is longer than " + max + " characters");
        }
        if (normalized.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(field, "must not contain control characters");
        }
    }

    /**
     * For a password presented to be checked (login, current password): no
     * length minimum (old passwords may predate a stricter policy), but bounded
     * and free of control characters before any hashing work is spent on it.
     */
    void checkPresented(String field, String password) {
        if (password == null || password.isEmpty()) {
            throw ApiException.invalid(field, "is required");
        }
        if (password.length() > max * 2) {
            throw ApiException.invalid(field, "is longer than " + max + " characters");
        }
        if (password.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(field, "must not contain control characters");
        }
    }
}
