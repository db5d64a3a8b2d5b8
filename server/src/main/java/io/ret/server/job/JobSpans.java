package io.ret.server.job;

import java.util.Locale;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.ret.server.platform.grpc.TracingInterceptor;
import io.ret.server.platform.trace.Tracing;

/**
 * The spans of one job run: the job's own (a child of the span current where it runs, e.g. a
 * worker pod's, else of the call that started it, read from the job row) and one per phase.
 * A phase span is made current on the job's thread, so the database and model spans of that
 * phase nest under it; a phase reported from another thread only ends the previous one.
 */
final class JobSpans {
    private final Span job;
    private final Context jobContext;
    private final Thread thread;
    private Span phase;
    private Scope phaseScope;
    private Context attached;

    private JobSpans(Span job, Context jobContext) {
        this.job = job;
        this.jobContext = jobContext;
        this.thread = Thread.currentThread();
        this.attached = jobContext;
    }

    /** Null when tracing is off. */
    static JobSpans start(JobRecord record, JobStore store) {
        if (!Tracing.on()) {
            return null;
        }
        Context parent = Span.current().getSpanContext().isValid() ? Context.current()
                : Tracing.parentFrom(store.traceParent(record.id()).orElse(null));
        Span span = Tracing.tracer().spanBuilder("job " + record.type().name().toLowerCase(Locale.ROOT))
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute("ret.job.id", record.id())
                .setAttribute("ret.job.type", record.type().name())
                .setAttribute("ret.job.attempt", record.attempts())
                .setAttribute(TracingInterceptor.CORRELATION_ID_ATTRIBUTE,
                        record.correlationId() == null ? "-" : record.correlationId())
                .startSpan();
        return new JobSpans(span, parent.with(span));
    }

    Context context() {
        return jobContext;
    }

    /** Called with the job's context current, on the job's thread, whenever the phase changes. */
    synchronized void phase(String name) {
        endPhase();
        phase = Tracing.tracer().spanBuilder("phase " + name).setParent(jobContext).startSpan();
        if (Thread.currentThread() == thread && Context.current() == attached) {
            if (phaseScope != null) {
                phaseScope.close();
            }
            attached = jobContext.with(phase);
            phaseScope = attached.makeCurrent();
        }
    }

    /** Ends the phase and the job span with how the job ended; on the job's thread. */
    synchronized void end(JobExecution.End end, String reason) {
        if (phaseScope != null && Thread.currentThread() == thread && Context.current() == attached) {
            phaseScope.close();
            phaseScope = null;
        }
        endPhase();
        job.setAttribute("ret.job.end", end.name());
        if (end == JobExecution.End.FAILED) {
            job.setStatus(StatusCode.ERROR, reason == null ? "FAILED" : reason);
        }
        job.end();
    }

    private void endPhase() {
        if (phase != null) {
            phase.end();
            phase = null;
        }
    }
}
