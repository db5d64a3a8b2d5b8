package io.ret.server.session.archive;

/** What an archive holds: XML files to convert, or CSV files to take as they are. */
public enum ArchiveKind {
    XML,
    CSV
}
