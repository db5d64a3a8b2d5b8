package io.ret.server.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ByteOutputTest {

    @Test
    void aGrowingBufferWritesEveryByteInOrderAcrossItsSizesAndTheDirectWrite() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        int[] lengths = {1, 4000, 97, 4096, 9000, 70_000, 3, ByteOutput.CAPACITY, ByteOutput.CAPACITY + 1, 12, 40_000};
        try (CsvOutput csv = new CsvOutput(sink)) {
            char letter = 'a';
            for (int length : lengths) {
                byte[] value = new byte[length];
                Arrays.fill(value, (byte) letter);
                csv.field(value, length, false);
                csv.field(length);
                csv.endRecord();
                expected.append(String.valueOf(letter).repeat(length)).append(',').append(length).append("\r\n");
                letter++;
            }
        }
        assertThat(sink.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }
}
