package io.ret.server.comparison;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The equality rules of {@link DiffOptions}, twice: as a hash over raw UTF-8 bytes for the fast
 * scan, and as a comparison of decoded strings for verifying rows whose hashes differ. Both apply
 * the same trimming and case folding, so equal normalised text always hashes equal.
 */
final class Normalizer {
    private final boolean trim;
    private final boolean ignoreCase;
    private final BigDecimal tolerance;
    private byte[] scratch = new byte[256];

    Normalizer(DiffOptions options) {
        this.trim = options.trimWhitespace();
        this.ignoreCase = options.ignoreCase();
        this.tolerance = options.numericTolerance() > 0 ? BigDecimal.valueOf(options.numericTolerance()) : null;
    }

    /** Hash of the normalised value of a valid UTF-8 cell; {@code nonAscii} says whether it has bytes >= 0x80. */
    long hash(byte[] b, int from, int to, boolean nonAscii) {
        if (trim) {
            while (from < to && isSpace(b[from])) {
                from++;
            }
            while (to > from && isSpace(b[to - 1])) {
                to--;
            }
        }
        if (!ignoreCase) {
            return Hashing.hash(b, from, to);
        }
        if (nonAscii) {
            byte[] folded = fold(new String(b, from, to - from, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            return Hashing.hash(folded, 0, folded.length);
        }
        int n = to - from;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        for (int i = 0; i < n; i++) {
            byte c = b[from + i];
            scratch[i] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
        }
        return Hashing.hash(scratch, 0, n);
    }

    /** Length of the normalised value, enough to tell an empty key cell. */
    int trimmedLength(byte[] b, int from, int to) {
        if (trim) {
            while (from < to && isSpace(b[from])) {
                from++;
            }
            while (to > from && isSpace(b[to - 1])) {
                to--;
            }
        }
        return to - from;
    }

    String normalize(String s) {
        if (trim) {
            int from = 0;
            int to = s.length();
            while (from < to && isSpace(s.charAt(from))) {
                from++;
            }
            while (to > from && isSpace(s.charAt(to - 1))) {
                to--;
            }
            s = s.substring(from, to);
        }
        return ignoreCase ? fold(s) : s;
    }

    boolean equal(String left, String right) {
        String a = normalize(left);
        String b = normalize(right);
        if (a.equals(b)) {
            return true;
        }
        if (tolerance == null) {
            return false;
        }
        BigDecimal x = parseNumber(a);
        BigDecimal y = x == null ? null : parseNumber(b);
        return y != null && x.subtract(y).abs().compareTo(tolerance) <= 0;
    }

    /** A decimal number such as -1, 2.50 or 1e-3 (no spaces, no NaN or Infinity), else null. */
    static BigDecimal parseNumber(String s) {
        if (s.isEmpty() || s.length() > 400) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return null;
            }
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Simple case folding per code point, the relation String.equalsIgnoreCase uses. */
    static String fold(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
        return out.toString();
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }
}
