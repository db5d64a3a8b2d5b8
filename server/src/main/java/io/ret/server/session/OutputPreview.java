package io.ret.server.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import de.siegmar.fastcsv.reader.CsvIndex;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.IndexedCsvReader;
import io.ret.api.v1.PreviewOutputResponse;
import io.ret.api.v1.Row;
import io.ret.server.platform.api.PageToken;
import io.ret.server.platform.error.ApiException;

/**
 * Paged rows of an output file plus its column statistics. Pages are read
 * through a row index of the file (FastCSV's IndexedCsvReader), built once and
 * kept for recently previewed files; statistics are computed on the first
 * preview and stored with the output.
 */
final class OutputPreview {
    private static final int INDEX_PAGE_ROWS = 100;
    private static final int MAX_CACHED_INDEXES = 32;

    private final SessionStore store;
    private final Map<String, CsvIndex> indexes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CsvIndex> eldest) {
            return size() > MAX_CACHED_INDEXES;
        }
    };

    OutputPreview(SessionStore store) {
        this.store = store;
    }

    PreviewOutputResponse preview(OutputRecord output, Path file, int requestedSize, String pageToken) {
        int size = PageToken.pageSize(requestedSize, 50, 500);
        String position = PageToken.decode(pageToken);
        long first;
        try {
            first = position == null ? 0 : Long.parseLong(position);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("page_token", "is not a token from a previous response");
        }
        if (first < 0 || first > output.rows()) {
            throw ApiException.invalid("page_token", "is not a token from a previous response");
        }
        try {
            List<Row> rows = rows(file, first, size);
            PreviewOutputResponse.Builder out = PreviewOutputResponse.newBuilder()
                    .addAllColumns(output.columns())
                    .addAllRows(rows)
                    .setFirstRow(first + 1)
                    .setTotalRows(output.rows())
                    .addAllColumnStats(stats(output, file));
            if (first + rows.size() < output.rows()) {
                out.setNextPageToken(PageToken.encode(Long.toString(first + rows.size())));
            }
            return out.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read output " + output.path(), e);
        } catch (de.siegmar.fastcsv.reader.CsvParseException e) {
            // bad data, not a server fault (uploads are checked by CsvCheck; this guards older sessions)
            throw ApiException.failedPrecondition("CSV_INVALID", "output '" + output.path()
                    + "' cannot be read as CSV: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    /** Data rows [first, first + count), 0-based; record 0 of the file is the header. */
    private List<Row> rows(Path file, long first, int count) throws IOException {
        List<Row> rows = new ArrayList<>(count);
        long record = first + 1;
        try (IndexedCsvReader<CsvRecord> reader = IndexedCsvReader.builder()
                .pageSize(INDEX_PAGE_ROWS)
                .index(index(file))
                .ofCsvRecord(file)) {
            int page = (int) (record / INDEX_PAGE_ROWS);
            int skip = (int) (record % INDEX_PAGE_ROWS);
            while (rows.size() < count && page < reader.getIndex().pages().size()) {
                List<CsvRecord> records = reader.readPage(page++);
                for (int i = skip; i < records.size() && rows.size() < count; i++) {
                    rows.add(Row.newBuilder().addAllCells(records.get(i).getFields()).build());
                }
                skip = 0;
            }
        }
        return rows;
    }

    private CsvIndex index(Path file) throws IOException {
        String key = file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis();
        synchronized (indexes) {
            CsvIndex cached = indexes.get(key);
            if (cached != null) {
                return cached;
            }
        }
        CsvIndex built;
        try (IndexedCsvReader<CsvRecord> reader = IndexedCsvReader.builder().pageSize(INDEX_PAGE_ROWS).ofCsvRecord(file)) {
            built = reader.getIndex();
        }
        synchronized (indexes) {
            indexes.put(key, built);
        }
        return built;
    }

    private List<io.ret.api.v1.ColumnStats> stats(OutputRecord output, Path file) throws IOException {
        if (output.stats() != null) {
            try {
                return PreviewOutputResponse.parseFrom(output.stats()).getColumnStatsList();
            } catch (InvalidProtocolBufferException e) {
                // recompute below
            }
        }
        List<io.ret.api.v1.ColumnStats> computed = ColumnStatistics.of(file, output.columns());
        store.saveStats(output.sessionId(), output.ordinal(),
                PreviewOutputResponse.newBuilder().addAllColumnStats(computed).build().toByteArray());
        return computed;
    }
}
