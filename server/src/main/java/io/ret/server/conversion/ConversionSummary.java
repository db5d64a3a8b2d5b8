package io.ret.server.conversion;

import java.util.List;

/**
 * What a conversion did.
 *
 * @param filesTotal     XML files in the archive
 * @param rowsWritten    data rows over all CSV files
 * @param bytesWritten   bytes over all CSV files
 * @param outputs        the CSV files, in the order written
 * @param failures       the files that failed, each alone
 */
public record ConversionSummary(int filesTotal, int filesSucceeded, int filesFailed, long rowsWritten,
        long bytesWritten, List<TableOutput> outputs, List<FileFailure> failures) {

    public ConversionSummary {
        outputs = List.copyOf(outputs);
        failures = List.copyOf(failures);
    }
}
