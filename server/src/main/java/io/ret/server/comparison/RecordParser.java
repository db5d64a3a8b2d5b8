package io.ret.server.comparison;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one CSV record into strings (RFC 4180): a field that starts with a quote runs to the
 * next lone quote, {@code ""} inside it is one quote, and text between a closing quote and the
 * next delimiter is kept as is. Records end at LF, CRLF or a lone CR. {@link RowScanner} follows
 * the same rules without building strings.
 */
final class RecordParser {
    record Record(List<String> cells, int end) {
    }

    private RecordParser() {
    }

    /**
     * The record starting at {@code from}, or null when the bytes run out before it ends and more
     * may follow ({@code eof} false). {@code end} is the index just past its line terminator.
     */
    static Record parse(byte[] b, int from, int limit, boolean eof, byte delimiter) {
        List<String> cells = new ArrayList<>();
        ByteArrayOutputStream quoted = null;
        int p = from;
        while (true) {
            int start = p;
            boolean isQuoted = p < limit && b[p] == '"';
            if (isQuoted) {
                if (quoted == null) {
                    quoted = new ByteArrayOutputStream();
                }
                quoted.reset();
                p++;
                while (true) {
                    if (p >= limit) {
                        if (!eof) {
                            return null;
                        }
                        throw new BadInputException("unterminated quoted value");
                    }
                    if (b[p] == '"') {
                        if (p + 1 >= limit && !eof) {
                            return null;
                        }
                        if (p + 1 < limit && b[p + 1] == '"') {
                            quoted.write('"');
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    quoted.write(b[p++]);
                }
                start = p; // text after the closing quote is kept as is
            }
            while (p < limit && b[p] != delimiter && b[p] != '\n' && b[p] != '\r') {
                p++;
            }
            if (p >= limit && !eof) {
                return null;
            }
            String text = new String(b, start, p - start, StandardCharsets.UTF_8);
            cells.add(isQuoted ? quoted.toString(StandardCharsets.UTF_8) + text : text);
            if (p >= limit) {
                return new Record(cells, p);
            }
            byte c = b[p];
            if (c == delimiter) {
                p++;
                continue;
            }
            if (c == '\r') {
                if (p + 1 >= limit && !eof) {
                    return null;
                }
                return new Record(cells, p + 1 < limit && b[p + 1] == '\n' ? p + 2 : p + 1);
            }
            return new Record(cells, p + 1);
        }
    }
}
