package io.ret.server.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.CsvRecordHandler;

/**
 * Whether an uploaded CSV file can be read by everything downstream (preview, statistics,
 * comparison, indexing): RFC 4180 quoting with every quote closed (quotes come in pairs), at most {@link #MAX_COLUMNS}
 * columns and {@link #MAX_FIELD_CHARS} characters per field. Rows may have fewer or more
 * fields than the header (they are read as ragged, as before). A file that fails is refused
 * at upload with the line and column of the first fault, so no later call meets it.
 */
final class CsvCheck {

    static final int MAX_COLUMNS = 4096;
    static final int MAX_FIELD_CHARS = 1024 * 1024;

    /** A file's header and row count once it passed. */
    record Shape(List<String> header, long rows) {
    }

    /** Thrown for a file that fails; the message names the line (and column where known). */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private CsvCheck() {
    }

    static Shape check(Path file) throws Invalid {
        List<String> header = null;
        long rows = 0;
        long lastRecordLine = 0;
        int lastRecordFields = 0;
        CsvRecordHandler handler = CsvRecordHandler.builder().maxFields(MAX_COLUMNS).maxFieldSize(MAX_FIELD_CHARS)
                .maxRecordSize(4 * MAX_FIELD_CHARS).build();
        try (CsvReader<CsvRecord> csv = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
                .build(handler, file)) {
            for (CsvRecord record : csv) {
                lastRecordLine = record.getStartingLineNumber();
                lastRecordFields = record.getFieldCount();
                if (header == null) {
                    header = List.copyOf(record.getFields());
                } else {
                    rows++;
                }
            }
        } catch (CsvParseException e) {
            throw new Invalid(describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        // FastCSV reads a quote left open to the end of the file as one long field; RFC 4180
        // quotes come in pairs ("" inside a quoted field), so an odd count means one is open
        if (oddQuoteCount(file)) {
            throw new Invalid("the record starting at line " + lastRecordLine + " has a quoted field (index "
                    + Math.max(0, lastRecordFields - 1) + ") that is never closed");
        }
        return new Shape(header == null ? List.of() : header, rows);
    }

    private static boolean oddQuoteCount(Path file) {
        long quotes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (var in = java.nio.file.Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '"') {
                        quotes++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return (quotes & 1) == 1;
    }

    /** FastCSV's messages, outermost (which record) to innermost (what and which field). */
    private static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 3; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("maximum buffer size")) {
                message = "a field is longer than the limit of " + MAX_FIELD_CHARS + " characters (or a quote is never closed)";
            }
            if (message != null && !parts.contains(message)) {
                parts.add(message);
            }
        }
        String text = String.join(": ", parts);
        return text.length() > 300 ? text.substring(0, 300) : text;
    }
}
