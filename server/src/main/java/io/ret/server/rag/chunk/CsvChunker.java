package io.ret.server.rag.chunk;

import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.ret.server.platform.error.ApiException;
import io.ret.server.rag.Chunk;
import io.ret.server.rag.ChunkSource;

/**
 * Cuts a CSV file into chunks of whole rows, each starting with the header line so a
 * chunk reads on its own (column names next to values). Streams: holds one chunk's
 * text at a time, whatever the file size.
 *
 * <p>By default a chunk holds one row ({@code maxRows = 1}): a row is then retrievable
 * and citable on its own, and its embedding is not diluted by its neighbours (measured
 * in bench/rag-results.md). Columns named in {@code hidden} (the conversion's surrogate
 * and provenance columns, when its schema says which) are left out of the text.
 *
 * <p>A row longer than the budget is cut into several chunks, each with the header,
 * all with that row as first and last row. When the header leaves less than a quarter
 * of the limit, the parts still get a quarter each, so such a chunk exceeds
 * {@code maxChars}.
 */
public final class CsvChunker {
    public static final int DEFAULT_MAX_CHARS = 800;
    public static final int DEFAULT_MAX_ROWS = 1;

    private final int maxChars;
    private final int maxRows;

    /** Chunks of whole rows up to {@code maxChars}, at most {@code maxRows} rows each. */
    public CsvChunker(int maxChars, int maxRows) {
        if (maxChars < 100) {
            throw new IllegalArgumentException("maxChars must be at least 100, got " + maxChars);
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        this.maxChars = maxChars;
        this.maxRows = maxRows;
    }

    /** As many rows as fit in {@code maxChars}. */
    public CsvChunker(int maxChars) {
        this(maxChars, Integer.MAX_VALUE);
    }

    public CsvChunker() {
        this(DEFAULT_MAX_CHARS, DEFAULT_MAX_ROWS);
    }

    public CsvChunker withMaxChars(int chars) {
        return new CsvChunker(chars, maxRows);
    }

    /** Rows read and chunks made by one file. */
    public record Tally(long rows, long chunks) {}

    /** What {@link #chunk} would produce, without keeping any text. */
    public Tally tally(Reader csv, String file, ChunkSource source, Set<String> hidden) {
        long[] rows = {0};
        int chunks = chunk(csv, file, source, hidden, c -> { }, rows);
        return new Tally(rows[0], chunks);
    }

    /**
     * Reads {@code csv} (the caller closes it) and hands each chunk to {@code sink} in file order.
     *
     * @param file path of the CSV relative to the session output, as shown in citations
     * @return the number of chunks produced
     */
    public int chunk(Reader csv, String file, ChunkSource source, Consumer<Chunk> sink) {
        return chunk(csv, file, source, Set.of(), sink, new long[1]);
    }

    /** As {@link #chunk(Reader, String, ChunkSource, Consumer)}, leaving out the {@code hidden} columns. */
    public int chunk(Reader csv, String file, ChunkSource source, Set<String> hidden, Consumer<Chunk> sink) {
        return chunk(csv, file, source, hidden, sink, new long[1]);
    }

    private int chunk(Reader csv, String file, ChunkSource source, Set<String> hidden, Consumer<Chunk> sink, long[] rows) {
        var emitter = new Emitter(file, source, sink);
        try (CsvReader<CsvRecord> reader = CsvReader.builder()
                .skipEmptyLines(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .ofCsvRecord(csv)) {
            String header = null;
            boolean[] keep = null;
            long row = 0;
            for (CsvRecord record : reader) {
                if (header == null) {
                    keep = kept(record.getFields(), hidden);
                    header = toLine(record.getFields(), keep);
                    emitter.header(header);
                    continue;
                }
                emitter.row(++row, toLine(record.getFields(), keep));
            }
            emitter.flush();
            rows[0] = row;
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getCause().getMessage(), e);
        } catch (CsvParseException e) {
            // bad data, not a server fault: the indexing job fails with this reason, not INTERNAL
            throw ApiException.failedPrecondition("CSV_INVALID", file + " cannot be read as CSV: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return emitter.count;
    }

    private static boolean[] kept(List<String> header, Set<String> hidden) {
        boolean[] keep = new boolean[header.size()];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = !hidden.contains(header.get(i));
        }
        return keep;
    }

    /** Fields back to one CSV line, quoting only where needed. */
    static String toLine(List<String> fields) {
        return toLine(fields, null);
    }

    /** The fields whose {@code keep} flag is set (all, when null; fields past the header are kept). */
    static String toLine(List<String> fields, boolean[] keep) {
        var line = new StringBuilder();
        boolean first = true;
        for (int i = 0; i < fields.size(); i++) {
            if (keep != null && i < keep.length && !keep[i]) {
                continue;
            }
            if (!first) {
                line.append(',');
            }
            first = false;
            String f = fields.get(i);
            boolean quote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0;
            if (quote) {
                line.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                line.append(f);
            }
        }
        return line.toString();
    }

    private final class Emitter {
        private final String file;
        private final ChunkSource source;
        private final Consumer<Chunk> sink;
        private final StringBuilder text = new StringBuilder();
        private String header = "";
        private long firstRow;
        private long lastRow;
        int count;

        Emitter(String file, ChunkSource source, Consumer<Chunk> sink) {
            this.file = file;
            this.source = source;
            this.sink = sink;
        }

        void header(String header) {
            this.header = header;
        }

        void row(long row, String line) {
            int prefix = header.length() + 1;
            if (prefix + line.length() > maxChars) {
                flush();
                split(row, line);
                return;
            }
            if (lastRow > 0 && (text.length() + 1 + line.length() > maxChars || lastRow - firstRow + 1 >= maxRows)) {
                flush();
            }
            if (lastRow == 0) {
                text.append(header);
                firstRow = row;
            }
            text.append('\n').append(line);
            lastRow = row;
        }

        private void split(long row, String line) {
            int budget = Math.max(maxChars - header.length() - 1, maxChars / 4);
            int part = 0;
            int start = 0;
            while (start < line.length()) {
                int end = Math.min(line.length(), start + budget);
                if (end < line.length() && Character.isHighSurrogate(line.charAt(end - 1))) {
                    end--; // keep a surrogate pair together
                }
                emit(row, row, part++, header + '\n' + line.substring(start, end));
                start = end;
            }
        }

        void flush() {
            if (lastRow > 0) {
                emit(firstRow, lastRow, 0, text.toString());
                text.setLength(0);
                firstRow = 0;
                lastRow = 0;
            }
        }

        private void emit(long first, long last, int part, String chunkText) {
            String id = Chunk.idOf(source.collection(), source.sessionId(), file, first, last, part);
            sink.accept(new Chunk(id, source.collection(), source.ownerId(), source.sessionId(), file, first, last, chunkText));
            count++;
        }
    }
}
