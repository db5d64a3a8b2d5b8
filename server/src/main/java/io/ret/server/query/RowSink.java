package io.ret.server.query;

import java.util.List;

/**
 * Receives a statement's result on the thread that runs it. Values are {@code null},
 * {@link String}, {@link Long}, {@link Double}, {@link Boolean}, or text for
 * DECIMAL, DATE, TIMESTAMP and OTHER columns.
 */
public interface RowSink {
    void columns(List<ResultColumn> columns);

    void row(List<Object> values);
}
