package io.ret.server.platform.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.ret.server.platform.error.ApiException;

/**
 * Opaque cursors for List calls: the position after the last item returned,
 * base64url-encoded so clients treat it as a token, not an offset. Ownership
 * filters still apply to every page, so a forged token reveals nothing.
 */
public final class PageToken {
    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;

    private PageToken() {
    }

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + position).getBytes(StandardCharsets.UTF_8));
    }

    /** The position, or null for the first page. */
    public static String decode(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (raw.startsWith("v1:") && raw.length() > 3) {
                return raw.substring(3);
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the refusal below
        }
        throw ApiException.invalid("page_token", "is not a token from a previous response");
    }

    /** For cursors over descending numeric ids: Long.MAX_VALUE on the first page. */
    public static long decodeLong(String token) {
        String position = decode(token);
        if (position == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("page_token", "is not a token from a previous response");
        }
    }

    public static int pageSize(int requested) {
        return pageSize(requested, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    }

    public static int pageSize(int requested, int defaultSize, int maxSize) {
        if (requested < 0) {
            throw ApiException.invalid("page_size", "must not be negative");
        }
        return requested == 0 ? defaultSize : Math.min(requested, maxSize);
    }
}
