package io.ret.server.conversion.schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A JSON document as plain Java values (Map, List, String, Number, Boolean, null for JSON null),
 * read with jackson-core's streaming parser, and the lenient accessors {@link DataPackage} reads
 * it with: they answer as Jackson's {@code JsonNode.path}/{@code asText}/{@code asLong} do.
 * Jackson databind's tree would cost every fresh {@code ret convert} some 400 classes and a tenth
 * of a second of start-up for one small file.
 */
final class JsonValues {
    /** What {@link #path} gives for a field that is not there. */
    static final Object MISSING = new Object();

    private JsonValues() {
    }

    /** The first value of the document; {@link #MISSING} when it has none. */
    static Object read(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        return first == null ? MISSING : value(parser, first);
    }

    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next == JsonToken.FIELD_NAME; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, value(parser, next(parser)));
                }
                yield object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken next = next(parser); next != JsonToken.END_ARRAY; next = next(parser)) {
                    array.add(value(parser, next));
                }
                yield array;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + token + " in JSON");
        };
    }

    private static JsonToken next(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new IOException("JSON ends in the middle of a value");
        }
        return token;
    }

    static boolean isObject(Object node) {
        return node instanceof Map<?, ?>;
    }

    static boolean isArray(Object node) {
        return node instanceof List<?>;
    }

    /** The field of an object; {@link #MISSING} when absent or when {@code node} is no object. */
    static Object path(Object node, String field) {
        return node instanceof Map<?, ?> object && object.containsKey(field) ? object.get(field) : MISSING;
    }

    /** The elements of an array, the values of an object, else none. */
    static Iterable<?> elements(Object node) {
        return switch (node) {
            case List<?> array -> array;
            case Map<?, ?> object -> object.values();
            case null, default -> List.of();
        };
    }

    /** A scalar as text; {@code missing} for an absent field or JSON null, "" for an object or array. */
    static String text(Object node, String missing) {
        return switch (node) {
            case String text -> text;
            case Number number -> number.toString();
            case Boolean bool -> bool.toString();
            case Map<?, ?> object -> "";
            case List<?> array -> "";
            case null, default -> missing;
        };
    }

    /** A number, or text that reads as one, as a long; else {@code otherwise}. */
    static long asLong(Object node, long otherwise) {
        return switch (node) {
            case Number number -> number.longValue();
            case Boolean bool -> bool ? 1 : 0;
            case String text -> {
                try {
                    yield Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    try {
                        yield (long) Double.parseDouble(text.strip());
                    } catch (NumberFormatException notANumber) {
                        yield otherwise;
                    }
                }
            }
            case null, default -> otherwise;
        };
    }
}
