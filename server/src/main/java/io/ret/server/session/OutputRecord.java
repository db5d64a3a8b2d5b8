package io.ret.server.session;

import java.util.List;

/**
 * One published CSV output of a session.
 *
 * @param path       relative to the session's outputs directory
 * @param sourcePath the archive entry it came from
 * @param table      the child table's name, "" for a main table
 * @param stats      column statistics (protobuf), null until first computed
 */
public record OutputRecord(String sessionId, int ordinal, String path, String sourcePath, String table, long sizeBytes,
                           long rows, List<String> columns, byte[] stats) {
}
