package io.ret.server.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;

/**
 * Where a command's result goes: text for people, or with {@code --output json} one JSON document
 * (or JSON lines for streams) in protobuf's JSON mapping, with no colours and no progress bars.
 */
public final class Output {
    private static final JsonFormat.Printer DOCUMENT = JsonFormat.printer().includingDefaultValueFields();
    private static final JsonFormat.Printer LINE = DOCUMENT.omittingInsignificantWhitespace();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** The value of {@code --output}. */
    public enum Format { text, json }

    private final PrintStream out;
    private final Format format;

    public Output(PrintStream out, Format format) {
        this.out = out;
        this.format = format;
    }

    public boolean json() {
        return format == Format.json;
    }

    public PrintStream out() {
        return out;
    }

    /** One JSON document (json mode only; text mode prints nothing). */
    public void document(MessageOrBuilder message) {
        if (json()) {
            out.println(print(DOCUMENT, message));
        }
    }

    /** One JSON line (json mode only). */
    public void line(MessageOrBuilder message) {
        if (json()) {
            out.println(print(LINE, message));
        }
    }

    /** A line of text (text mode only). */
    public void text(String line) {
        if (!json()) {
            out.println(line);
        }
    }

    public void textf(String format, Object... args) {
        if (!json()) {
            out.printf(Locale.ROOT, format, args);
        }
    }

    /** Any value as one JSON line (for the few results that are not protobuf messages). */
    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String time(Timestamp timestamp) {
        if (timestamp == null || (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0)) {
            return "-";
        }
        return TIME.format(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
    }

    /** An enum constant without its type prefix: JOB_STATE_RUNNING -> RUNNING. */
    public static String name(Enum<?> value, String prefix) {
        String name = value.name();
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }

    private static String print(JsonFormat.Printer printer, MessageOrBuilder message) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
