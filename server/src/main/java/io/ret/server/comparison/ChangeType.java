package io.ret.server.comparison;

/** What happened to a row between the left and the right file. */
public enum ChangeType {
    ADDED, REMOVED, MODIFIED
}
