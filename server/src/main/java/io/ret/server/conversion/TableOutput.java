package io.ret.server.conversion;

import java.util.List;

/**
 * One CSV file written.
 *
 * @param path       relative to the output directory, '/'-separated
 * @param sourcePath the XML entry it came from
 * @param table      "" for the main table, else the table's name ({@code line},
 *                   {@code line.serial}, {@code _document}, ...)
 * @param rows       data rows, header not counted
 * @param bytes      size of the file
 * @param columns    the header, in order
 */
public record TableOutput(String path, String sourcePath, String table, long rows, long bytes, List<String> columns) {

    public TableOutput {
        columns = List.copyOf(columns);
    }
}
