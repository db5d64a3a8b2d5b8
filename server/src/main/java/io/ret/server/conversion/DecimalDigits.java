package io.ret.server.conversion;

/** Non-negative whole numbers (ids, positions) as ASCII digits, without making a String. */
final class DecimalDigits {

    /** Most digits a long has. */
    static final int MAX = 19;

    private DecimalDigits() {
    }

    /**
     * Writes {@code number} (>= 0) into {@code into} from {@code at}; returns how many digits.
     * Numbers up to Integer.MAX_VALUE (every id in practice) take int arithmetic: the C1 code a
     * short conversion runs calls into the VM for each long division.
     */
    static int write(long number, byte[] into, int at) {
        if (number <= Integer.MAX_VALUE) {
            int value = (int) number;
            int digits = 1;
            for (int rest = value / 10; rest != 0; rest /= 10) {
                digits++;
            }
            for (int i = at + digits - 1; i >= at; i--) {
                int next = value / 10;
                into[i] = (byte) ('0' + value - next * 10);
                value = next;
            }
            return digits;
        }
        int digits = 1;
        for (long rest = number / 10; rest != 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            into[i] = (byte) ('0' + number % 10);
            number /= 10;
        }
        return digits;
    }
}
