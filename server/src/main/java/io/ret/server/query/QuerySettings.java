package io.ret.server.query;

import java.time.Duration;

import io.ret.server.platform.config.RetConfig;
import io.ret.server.platform.config.Settings;

/**
 * The bounds of one SQL statement.
 *
 * @param maxRows     rows a statement returns at most
 * @param memoryMb    DuckDB's memory_limit for it
 * @param threads     DuckDB's worker threads for it
 * @param maxDuration its longest run, whatever the call's deadline
 */
public record QuerySettings(int maxRows, int memoryMb, int threads, Duration maxDuration) {
    public static QuerySettings from(RetConfig config) {
        Settings s = config.settings();
        return new QuerySettings(s.integer("ret.query.max.rows", 1, 10_000_000), s.integer("ret.query.memory.mb", 16, 1_000_000),
                s.integer("ret.query.threads", 1, 256), s.duration("ret.query.timeout", Duration.ofSeconds(1)));
    }
}
