package io.ret.server.platform.trace;

import java.util.HashMap;
import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The process's tracer. Off (the no-op OpenTelemetry, and every helper here returns at once)
 * until {@link TracingSdk#start} or a test {@link #install installs} an SDK; one per process, like
 * the log manager, so the database, Redis and model wrappers need no handle passed to them.
 * Trace context crosses processes as a W3C {@code traceparent} string (the job row, the job
 * resource's annotation, gRPC metadata).
 */
public final class Tracing {
    /** The instrumentation scope of every RET span. */
    public static final String SCOPE = "io.ret.server";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private static volatile OpenTelemetry installed = OpenTelemetry.noop();
    private static volatile Tracer tracer = installed.getTracer(SCOPE);
    private static volatile boolean on;

    private Tracing() {
    }

    /** True when spans are recorded; everything else here is a no-op otherwise. */
    public static boolean on() {
        return on;
    }

    public static Tracer tracer() {
        return tracer;
    }

    /**
     * Makes {@code openTelemetry} the process's; closing the handle puts the no-op back (if this
     * one is still installed). The handle does not shut the SDK down: its owner does.
     */
    public static synchronized AutoCloseable install(OpenTelemetry openTelemetry) {
        installed = openTelemetry;
        tracer = openTelemetry.getTracer(SCOPE);
        on = true;
        return () -> {
            synchronized (Tracing.class) {
                if (installed == openTelemetry) {
                    installed = OpenTelemetry.noop();
                    tracer = installed.getTracer(SCOPE);
                    on = false;
                }
            }
        };
    }

    /** The W3C traceparent of the current span, or null when off or outside any span. */
    public static String traceparent() {
        if (!on || !Span.current().getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(Context.current(), carrier, Map::put);
        return carrier.get("traceparent");
    }

    /** A context whose parent is the remote span {@code traceparent} names; the root context when it names none. */
    public static Context parentFrom(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3C.extract(Context.root(), Map.of("traceparent", traceparent.strip()), MAP_GETTER);
    }

    /** Work that may throw a checked exception of its own. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code work} in a new span (a child of the current one), recording a throw as an
     * error; when off, just runs it.
     */
    public static <T, E extends Exception> T inSpan(String name, SpanKind kind, Attributes attributes, Work<T, E> work)
            throws E {
        if (!on) {
            return work.run();
        }
        Span span = tracer.spanBuilder(name).setSpanKind(kind).setAllAttributes(attributes).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.run();
        } catch (Exception | Error e) {
            failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Marks {@code span} failed by {@code error} (its type only: messages may hold user data). */
    public static void failed(Span span, Throwable error) {
        span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        span.setAttribute("error.type", error.getClass().getName());
    }
}
