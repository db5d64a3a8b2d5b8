package io.ret.server.conversion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ret.server.conversion.schema.Layout;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;

/** ret.v1 conversion messages to and from the converter's types. */
final class ConversionRequests {
    private ConversionRequests() {
    }

    /** Validates client options; every refusal names its field. */
    static io.ret.server.conversion.ConversionOptions options(io.ret.api.v1.ConversionOptions o) {
        String record = Validate.optional("options.record_element", o.getRecordElement(), 512);
        String separator = o.getJoinSeparator().isEmpty() ? "|" : o.getJoinSeparator();
        if (separator.length() > 8 || separator.indexOf('\\') >= 0 || separator.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("options.join_separator", "must be 1-8 printable characters other than '\\'");
        }
        io.ret.server.conversion.FlattenMode mode = switch (o.getMode()) {
            case FLATTEN_MODE_UNSPECIFIED, FLATTEN_MODE_CHILD_TABLES -> io.ret.server.conversion.FlattenMode.CHILD_TABLES;
            case FLATTEN_MODE_JOIN_REPEATED -> io.ret.server.conversion.FlattenMode.JOIN_REPEATED;
            case UNRECOGNIZED -> throw ApiException.invalid("options.mode", "is not a known mode");
        };
        Layout layout = switch (o.getLayout()) {
            case OUTPUT_LAYOUT_UNSPECIFIED, OUTPUT_LAYOUT_MERGED -> Layout.MERGED;
            case OUTPUT_LAYOUT_PER_FILE -> Layout.PER_FILE;
            case UNRECOGNIZED -> throw ApiException.invalid("options.layout", "is not a known layout");
        };
        Map<String, List<String>> keys = new LinkedHashMap<>();
        for (var entry : o.getKeyColumnsMap().entrySet()) {
            String table = Validate.required("options.key_columns", entry.getKey(), 512);
            List<String> columns = entry.getValue().getColumnsList();
            if (columns.isEmpty() || columns.stream().anyMatch(c -> c.isBlank() || c.length() > 512)) {
                throw ApiException.invalid("options.key_columns", "table '" + table + "' needs one or more column names");
            }
            keys.put(table, List.copyOf(columns));
        }
        if (!o.getLayoutFromSessionId().isEmpty()) {
            Validate.id("options.layout_from_session_id", o.getLayoutFromSessionId());
        }
        return new io.ret.server.conversion.ConversionOptions(record.isEmpty() ? null : record, mode, separator,
                o.getQualifyWithNamespaceUri(), layout, o.getKeepWhitespace(), keys, null);
    }

    static io.ret.api.v1.ConversionSummary summary(ConversionSummary s) {
        io.ret.api.v1.ConversionSummary.Builder out = io.ret.api.v1.ConversionSummary.newBuilder()
                .setFilesTotal(s.filesTotal())
                .setFilesSucceeded(s.filesSucceeded())
                .setFilesFailed(s.filesFailed())
                .setRowsWritten(s.rowsWritten())
                .setBytesWritten(s.bytesWritten())
                .setOutputs(s.outputs().size())
                .addAllAddedTables(s.layoutChanges().addedTables())
                .addAllAddedColumns(s.layoutChanges().addedColumns())
                .addAllVanishedColumns(s.layoutChanges().vanishedColumns())
                .setTables(s.schema().tables().size());
        for (FileFailure f : s.failures()) {
            out.addFailures(io.ret.api.v1.FileFailure.newBuilder()
                    .setPath(f.path()).setReason(f.reason()).setLine(f.line()).setColumn(f.column()));
        }
        return out.build();
    }

}
