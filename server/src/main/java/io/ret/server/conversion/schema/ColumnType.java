package io.ret.server.conversion.schema;

/** A column's inferred type, named as Frictionless Table Schema names it in {@code datapackage.json}. */
public enum ColumnType {
    INTEGER("integer"),
    DECIMAL("number"),
    BOOLEAN("boolean"),
    DATE("date"),
    TIMESTAMP("datetime"),
    STRING("string");

    private final String frictionless;

    ColumnType(String frictionless) {
        this.frictionless = frictionless;
    }

    public String frictionless() {
        return frictionless;
    }

    public static ColumnType fromFrictionless(String name) {
        for (ColumnType type : values()) {
            if (type.frictionless.equals(name)) {
                return type;
            }
        }
        return STRING; // a type we do not know is read as text, never guessed
    }
}
