package io.ret.server.session.archive;

/** How one archive entry is treated. */
public enum EntryKind {
    XML,
    CSV,
    /** Not read: a directory, operating-system junk, another file type, or CSV beside XML. */
    SKIPPED
}
