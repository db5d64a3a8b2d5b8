package io.ret.server.platform.redis;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.ret.server.platform.trace.Tracing;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.executors.CommandExecutor;

/**
 * A client span per Redis command made inside a traced call or job (named by the command, never
 * its keys or values); a plain pass-through when tracing is off.
 */
final class TracedCommandExecutor implements CommandExecutor {
    private final CommandExecutor delegate;

    TracedCommandExecutor(CommandExecutor delegate) {
        this.delegate = delegate;
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        // outside a call or job (health probes, background loops) no span: no trace of one command each
        if (!Tracing.on() || !Span.current().getSpanContext().isValid()) {
            return delegate.executeCommand(command);
        }
        String name = command.getArguments().getCommand().toString();
        Span span = Tracing.tracer().spanBuilder(name)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("db.system.name", "redis")
                .setAttribute("db.operation.name", name)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return delegate.executeCommand(command);
        } catch (RuntimeException | Error e) {
            Tracing.failed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
