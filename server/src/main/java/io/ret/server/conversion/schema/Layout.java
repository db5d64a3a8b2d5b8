package io.ret.server.conversion.schema;

/** How a conversion arranges tables in files. */
public enum Layout {
    /** One set of tables per record type for the whole archive; each row names its source file in {@code _file}. */
    MERGED("merged"),
    /** One set of tables per XML file, as the original system kept them. */
    PER_FILE("per-file");

    private final String json;

    Layout(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static Layout fromJson(String name) {
        for (Layout layout : values()) {
            if (layout.json.equals(name)) {
                return layout;
            }
        }
        throw new IllegalArgumentException("unknown layout '" + name + "'");
    }
}
