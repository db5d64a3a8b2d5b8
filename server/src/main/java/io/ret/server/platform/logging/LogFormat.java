package io.ret.server.platform.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import io.ret.server.platform.grpc.RequestContext;

/**
 * One line per record: time, level, correlation id of the call or job being
 * served ("-" outside one), logger and message; a stack trace follows on its
 * own lines. Access-log records are already JSON and are written as they are.
 */
public final class LogFormat extends Formatter {
    public static final String ACCESS_LOGGER = "ret.access";

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        if (ACCESS_LOGGER.equals(record.getLoggerName())) {
            return message + System.lineSeparator();
        }
        StringBuilder line = new StringBuilder(128)
                .append(Instant.ofEpochMilli(record.getMillis()))
                .append(' ').append(record.getLevel().getName())
                .append(" [").append(RequestContext.correlationIdOrDash()).append("] ")
                .append(shortName(record.getLoggerName()))
                .append(": ").append(message)
                .append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "-";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
