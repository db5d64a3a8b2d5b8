package io.ret.server.conversion;

import io.ret.server.conversion.schema.ColumnType;

/**
 * Infers a column's type and counts its empty cells from the bytes written. A type holds
 * while every non-empty value parses as it: integer (no leading zeros, so codes like
 * {@code 007} stay text), decimal, boolean ({@code true}/{@code false}), ISO date
 * ({@code 2024-01-31}) or timestamp ({@code 2024-01-31T10:00:00}, optional fraction and
 * zone); otherwise string.
 */
final class ColumnStats {

    private static final int INTEGER = 1;
    private static final int DECIMAL = 2;
    private static final int BOOLEAN = 4;
    private static final int DATE = 8;
    private static final int TIMESTAMP = 16;
    private static final int ALL = 31;

    private int possible = ALL;
    private boolean seen;
    long nulls;

    void add(byte[] bytes, int length) {
        if (length == 0) {
            nulls++;
            return;
        }
        seen = true;
        if (possible != 0) {
            possible &= types(bytes, length);
        }
    }

    void addNumber() {
        seen = true;
        possible &= INTEGER | DECIMAL;
    }

    /**
     * Adds what {@code other} saw, as if its values had come here: a type holds while every value
     * parses as it, so the order in which the values come does not matter.
     */
    void merge(ColumnStats other) {
        possible &= other.possible;
        seen |= other.seen;
        nulls += other.nulls;
    }

    ColumnType type() {
        if (!seen || possible == 0) {
            return ColumnType.STRING;
        }
        if ((possible & INTEGER) != 0) {
            return ColumnType.INTEGER;
        }
        if ((possible & DECIMAL) != 0) {
            return ColumnType.DECIMAL;
        }
        if ((possible & BOOLEAN) != 0) {
            return ColumnType.BOOLEAN;
        }
        if ((possible & DATE) != 0) {
            return ColumnType.DATE;
        }
        return (possible & TIMESTAMP) != 0 ? ColumnType.TIMESTAMP : ColumnType.STRING;
    }

    private static int types(byte[] b, int n) {
        int types = 0;
        if (isInteger(b, 0, n)) {
            types |= INTEGER | DECIMAL;
        } else if (isDecimal(b, n)) {
            types |= DECIMAL;
        }
        if (is(b, n, "true") || is(b, n, "false")) {
            types |= BOOLEAN;
        }
        if (n == 10 && isDate(b, 0)) {
            types |= DATE;
        }
        if (n >= 19 && isDate(b, 0) && b[10] == 'T' && isTime(b, 11, n)) {
            types |= TIMESTAMP;
        }
        return types;
    }

    private static boolean isInteger(byte[] b, int from, int to) {
        int i = from;
        if (i < to && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        if (i == to || i + 1 < to && b[i] == '0') {
            return false;
        }
        for (; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return to - from <= 19;
    }

    private static boolean isDecimal(byte[] b, int n) {
        int i = 0;
        if (i < n && (b[i] == '-' || b[i] == '+')) {
            i++;
        }
        int digits = 0;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            i++;
            digits++;
        }
        if (i < n && b[i] == '.') {
            i++;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < n && (b[i] == '-' || b[i] == '+')) {
                i++;
            }
            int exponent = 0;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean is(byte[] b, int n, String word) {
        if (n != word.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** yyyy-MM-dd with a plausible month and day. */
    private static boolean isDate(byte[] b, int at) {
        if (!digits(b, at, 4) || b[at + 4] != '-' || !digits(b, at + 5, 2) || b[at + 7] != '-' || !digits(b, at + 8, 2)) {
            return false;
        }
        int month = (b[at + 5] - '0') * 10 + b[at + 6] - '0';
        int day = (b[at + 8] - '0') * 10 + b[at + 9] - '0';
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    /** HH:mm:ss, then an optional fraction and an optional Z or +hh:mm / -hh:mm. */
    private static boolean isTime(byte[] b, int at, int n) {
        if (!digits(b, at, 2) || b[at + 2] != ':' || !digits(b, at + 3, 2) || b[at + 5] != ':' || !digits(b, at + 6, 2)) {
            return false;
        }
        int i = at + 8;
        if (i < n && b[i] == '.') {
            i++;
            int start = i;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i == n) {
            return true;
        }
        if (b[i] == 'Z') {
            return i + 1 == n;
        }
        return (b[i] == '+' || b[i] == '-') && n - i == 6 && digits(b, i + 1, 2) && b[i + 3] == ':'
                && digits(b, i + 4, 2);
    }

    private static boolean digits(byte[] b, int at, int count) {
        for (int i = at; i < at + count; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }
}
