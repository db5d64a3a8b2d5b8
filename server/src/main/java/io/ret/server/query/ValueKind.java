package io.ret.server.query;

/** How a result column's values travel: the proto's ValueType, without the proto. */
public enum ValueKind {
    STRING, INTEGER, NUMBER, DECIMAL, BOOLEAN, DATE, TIMESTAMP, OTHER
}
