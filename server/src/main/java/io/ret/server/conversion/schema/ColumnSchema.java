package io.ret.server.conversion.schema;

import java.util.Objects;

/**
 * One column of a converted table.
 *
 * @param name  the header name
 * @param type  inferred from every value of the column (empty cells do not count)
 * @param role  data, surrogate, provenance or position
 * @param nulls how many rows have an empty cell
 * @param source where a data column's values come from in the XML, as an absolute path
 *               ({@code /orders/order/@id}, {@code /orders/order/customer/name}); "" for
 *               columns the conversion makes (surrogates, provenance, position, parent key copies)
 * @param mixed  the column holds the string-value of a mixed-content element (its text and all its
 *               descendants' text, in document order); such a path stays mixed in a later conversion
 *               that takes this layout
 */
public record ColumnSchema(String name, ColumnType type, ColumnRole role, long nulls, String source, boolean mixed) {

    public ColumnSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(role, "role");
        source = source == null ? "" : source;
    }

    public ColumnSchema(String name, ColumnType type, ColumnRole role, long nulls, String source) {
        this(name, type, role, nulls, source, false);
    }

    public ColumnSchema(String name, ColumnType type, ColumnRole role, long nulls) {
        this(name, type, role, nulls, "");
    }

    public static ColumnSchema data(String name, ColumnType type, long nulls) {
        return new ColumnSchema(name, type, ColumnRole.DATA, nulls);
    }

    public boolean isData() {
        return role == ColumnRole.DATA;
    }
}
