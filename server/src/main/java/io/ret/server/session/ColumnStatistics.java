package io.ret.server.session;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.ret.api.v1.ColumnStats;

/**
 * Per-column statistics of a CSV file in one streaming pass: non-empty and
 * empty counts, a distinct-count estimate (UltraLogLog, about 1.2% error),
 * and min/max/mean when every non-empty value is a number.
 */
final class ColumnStatistics {
    private static final Hasher64 HASH = Hashing.komihash5_0();

    private ColumnStatistics() {
    }

    private static final class Column {
        final String name;
        long count;
        long empty;
        boolean numeric = true;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        final UltraLogLog distinct = UltraLogLog.create(12);

        Column(String name) {
            this.name = name;
        }

        void add(String value) {
            if (value.isEmpty()) {
                empty++;
                return;
            }
            count++;
            distinct.add(HASH.hashCharsToLong(value));
            if (numeric) {
                double number = parse(value);
                if (Double.isNaN(number)) {
                    numeric = false;
                } else {
                    min = Math.min(min, number);
                    max = Math.max(max, number);
                    sum += number;
                }
            }
        }

        ColumnStats toProto() {
            ColumnStats.Builder out = ColumnStats.newBuilder()
                    .setName(name)
                    .setCount(count)
                    .setEmpty(empty)
                    .setDistinctEstimate(Math.round(distinct.getDistinctCountEstimate()))
                    .setNumeric(numeric && count > 0);
            if (numeric && count > 0) {
                out.setMin(min).setMax(max).setMean(sum / count);
            }
            return out.build();
        }
    }

    /** NaN for anything but a plain decimal number (no hex, no "Infinity", no trailing letters). */
    static double parse(String value) {
        String v = value.strip();
        if (v.isEmpty() || v.length() > 40) {
            return Double.NaN;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static List<ColumnStats> of(Path file, List<String> header) throws IOException {
        List<Column> columns = new ArrayList<>();
        header.forEach(name -> columns.add(new Column(name)));
        try (CsvReader<CsvRecord> csv = CsvReader.builder().allowExtraFields(true).allowMissingFields(true)
                .ofCsvRecord(file)) {
            boolean first = true;
            for (CsvRecord record : csv) {
                if (first) {
                    first = false;
                    continue;
                }
                for (int i = 0; i < columns.size(); i++) {
                    columns.get(i).add(i < record.getFieldCount() ? record.getField(i) : "");
                }
            }
        }
        return columns.stream().map(Column::toProto).toList();
    }
}
