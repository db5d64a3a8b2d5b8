package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DecimalDigitsTest {

    @Test
    void writesTheSameDigitsAsLongToStringOnBothSidesOfTheIntRange() {
        long[] numbers = {0, 7, 10, 99, 100, 123456789, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L,
                9_999_999_999L, Long.MAX_VALUE};
        for (long number : numbers) {
            byte[] into = new byte[2 + DecimalDigits.MAX];
            int digits = DecimalDigits.write(number, into, 2);
            assertThat(new String(into, 2, digits, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(number));
        }
    }
}
