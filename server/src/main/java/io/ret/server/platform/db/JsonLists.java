package io.ret.server.platform.db;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** String lists as JSON arrays, for list-valued columns. */
public final class JsonLists {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonLists() {
    }

    public static String array(List<String> values) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (String value : values) {
                json.writeString(value);
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    public static List<String> strings(String array) {
        List<String> out = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(array)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.VALUE_STRING) {
                out.add(parser.getText());
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable string list", e);
        }
        return out;
    }
}
