package io.ret.server.platform.api;

import io.ret.server.platform.Ids;
import io.ret.server.platform.error.ApiException;

/** Checks on request fields that every service shares; each failure names its field. */
public final class Validate {
    private Validate() {
    }

    /** Required, at most {@code max} characters, no control characters. */
    public static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid(field, "is required");
        }
        return optional(field, value, max);
    }

    /** Like {@link #required} but may be empty. */
    public static String optional(String field, String value, int max) {
        if (value == null) {
            return "";
        }
        if (value.length() > max) {
            throw ApiException.invalid(field, "is longer than " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw ApiException.invalid(field, "must not contain control characters");
            }
        }
        return value;
    }

    /** Free text such as a reason: newlines and tabs allowed, other control characters not. */
    public static String text(String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw ApiException.invalid(field, "is required");
            }
            return "";
        }
        if (value.length() > max) {
            throw ApiException.invalid(field, "is longer than " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r') {
                throw ApiException.invalid(field, "must not contain control characters");
            }
        }
        return value;
    }

    /** An object id as RET issues them. */
    public static String id(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiException.invalid(field, "is required");
        }
        if (!Ids.isValid(value)) {
            throw ApiException.invalid(field, "is not a valid id");
        }
        return value;
    }
}
