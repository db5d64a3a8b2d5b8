package io.ret.server.comparison;

/** How files of two directory trees are paired. */
public enum FileMatch {
    /** Same path relative to each root (default). */
    RELATIVE_PATH,
    /** Same file name wherever it sits; a name found twice on one side fails those files. */
    FILE_NAME
}
