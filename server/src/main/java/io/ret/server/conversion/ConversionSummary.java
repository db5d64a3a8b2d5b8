package io.ret.server.conversion;

import java.util.List;

import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.conversion.schema.Layout;

/**
 * What a conversion did.
 *
 * @param filesTotal     XML files in the archive
 * @param rowsWritten    data rows over all CSV files
 * @param bytesWritten   bytes over all CSV files
 * @param outputs        the CSV files, in the order written
 * @param failures       the files that failed, each alone
 * @param schema         the tables as written to {@code datapackage.json}
 * @param layoutChanges  against the earlier layout the conversion kept, if any
 */
public record ConversionSummary(int filesTotal, int filesSucceeded, int filesFailed, long rowsWritten,
        long bytesWritten, List<TableOutput> outputs, List<FileFailure> failures, DataPackage schema,
        PreviousLayout.Changes layoutChanges) {

    public ConversionSummary {
        outputs = List.copyOf(outputs);
        failures = List.copyOf(failures);
        if (schema == null) {
            schema = new DataPackage(Layout.MERGED, List.of());
        }
        if (layoutChanges == null) {
            layoutChanges = PreviousLayout.Changes.NONE;
        }
    }
}
