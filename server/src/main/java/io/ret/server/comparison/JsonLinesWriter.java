package io.ret.server.comparison;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes each delta as one JSON object on its own line (UTF-8):
 * {@code {"file":..,"type":"MODIFIED","key":[..],"leftRow":n,"rightRow":n,
 * "changes":[{"column":..,"before":..,"after":..}],"before":[..],"after":[..]}}; a file that
 * could not be compared is one line {@code {"file":..,"type":"FAILED","error":..}}.
 * The caller owns the stream: {@link #flush()} pushes buffered lines, nothing closes it.
 */
public final class JsonLinesWriter implements DeltaSink {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final JsonGenerator json;

    public JsonLinesWriter(OutputStream out) {
        try {
            this.json = JSON.createGenerator(out, JsonEncoding.UTF8);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.setRootValueSeparator(null); // lines are separated by the newline written after each object
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void accept(RowDelta delta) {
        try {
            json.writeStartObject();
            json.writeStringField("file", delta.file());
            json.writeStringField("type", delta.type().name());
            strings("key", delta.key());
            json.writeNumberField("leftRow", delta.leftRow());
            json.writeNumberField("rightRow", delta.rightRow());
            json.writeArrayFieldStart("changes");
            for (CellChange change : delta.changes()) {
                json.writeStartObject();
                json.writeStringField("column", change.column());
                json.writeStringField("before", change.before());
                json.writeStringField("after", change.after());
                json.writeEndObject();
            }
            json.writeEndArray();
            strings("before", delta.before());
            strings("after", delta.after());
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void failedFile(String file, String error) {
        try {
            json.writeStartObject();
            json.writeStringField("file", file);
            json.writeStringField("type", "FAILED");
            json.writeStringField("error", error);
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void strings(String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
