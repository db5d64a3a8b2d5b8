package io.ret.server.conversion;

/**
 * An XML file that could not be converted; it left no CSV behind.
 *
 * @param path   the entry's path in the archive
 * @param reason what went wrong, for people
 * @param line   1-based line of the fault, 0 when unknown
 * @param column 1-based column of the fault, 0 when unknown
 */
public record FileFailure(String path, String reason, int line, int column) {
}
