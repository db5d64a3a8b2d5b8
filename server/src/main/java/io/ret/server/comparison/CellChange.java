package io.ret.server.comparison;

/** One cell of a modified row: original (not normalised) values on each side. */
public record CellChange(String column, String before, String after) {
}
