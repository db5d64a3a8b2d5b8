package io.ret.server.conversion;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes RFC 4180 CSV from UTF-8 bytes: comma separated, CRLF after every record, a field
 * quoted (with its quotes doubled) only when it holds a quote, comma, CR or LF. The
 * converter writes what it already holds as bytes, without making a string of every
 * value only to encode it again (see bench/conversion-results.md).
 */
final class CsvOutput extends ByteOutput {

    private boolean firstInRecord = true;

    CsvOutput(OutputStream out) {
        super(out);
    }

    void header(List<String> names) throws IOException {
        for (String name : names) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            field(bytes, bytes.length, CsvField.needsQuotes(bytes, 0, bytes.length));
        }
        endRecord();
    }

    void field(CsvField field) throws IOException {
        field(field.bytes, field.length, field.quoted);
    }

    void field(long number) throws IOException {
        if (number < 0) {
            throw new IllegalArgumentException("ids are never negative: " + number);
        }
        separate();
        ensure(DecimalDigits.MAX);
        position += DecimalDigits.write(number, buffer, position);
    }

    void endRecord() throws IOException {
        ensure(2);
        buffer[position++] = '\r';
        buffer[position++] = '\n';
        firstInRecord = true;
    }

    void field(byte[] bytes, int length, boolean quoted) throws IOException {
        separate();
        if (!quoted) {
            write(bytes, 0, length);
            return;
        }
        ensure(1);
        buffer[position++] = '"';
        int from = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '"') {
                write(bytes, from, i + 1 - from); // the quote, and then once more
                from = i;
            }
        }
        write(bytes, from, length - from);
        ensure(1);
        buffer[position++] = '"';
    }

    private void separate() throws IOException {
        if (firstInRecord) {
            firstInRecord = false;
        } else {
            ensure(1);
            buffer[position++] = ',';
        }
    }
}
