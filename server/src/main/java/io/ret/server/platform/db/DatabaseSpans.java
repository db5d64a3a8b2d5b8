package io.ret.server.platform.db;

import java.util.Locale;
import java.util.function.Supplier;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.ret.server.platform.trace.Tracing;

/**
 * A client span around each entry point of {@link Database}: named by the statement's verb (or
 * "transaction"), with the statement's text (placeholders only, never the bound values). Calls
 * made inside one (a query inside a transaction) add no span of their own, and neither do calls
 * outside any traced work.
 */
final class DatabaseSpans {
    private static final ContextKey<Boolean> INSIDE = ContextKey.named("ret.db.call");
    private static final int MAX_STATEMENT = 2000;

    private DatabaseSpans() {
    }

    /** A statement run on a connection of its own. */
    static <T> T statement(String sql, Supplier<T> call) {
        return around(verb(sql), sql, call);
    }

    /** Several statements on one connection ({@code name}: "transaction", "connection"). */
    static <T> T unit(String name, Supplier<T> call) {
        return around(name, null, call);
    }

    private static <T> T around(String name, String sql, Supplier<T> call) {
        // outside a call or job (health probes, the runner's polling) no span: no trace of one statement each
        if (!Tracing.on() || Context.current().get(INSIDE) != null || !Span.current().getSpanContext().isValid()) {
            return call.get();
        }
        Span span = Tracing.tracer().spanBuilder(name)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system.name", "mysql")
                .setAttribute("db.query.text", sql == null ? "" : sql.length() > MAX_STATEMENT
                        ? sql.substring(0, MAX_STATEMENT) : sql)
                .startSpan();
        // the span is not made current: nothing nests under it, and a job row inserted inside
        // records the caller's span as its trace parent, not this statement's
        try (Scope ignored = Context.current().with(INSIDE, Boolean.TRUE).makeCurrent()) {
            return call.get();
        } catch (RuntimeException | Error e) {
            Tracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    private static String verb(String sql) {
        if (!Tracing.on()) {
            return "";
        }
        String s = sql.stripLeading();
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return end == 0 ? "statement" : s.substring(0, end).toUpperCase(Locale.ROOT);
    }
}
