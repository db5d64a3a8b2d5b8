package io.ret.server.query;

import java.util.List;

import com.google.protobuf.NullValue;
import io.grpc.stub.ServerCallStreamObserver;
import io.ret.api.v1.QueryColumn;
import io.ret.api.v1.QueryColumns;
import io.ret.api.v1.QueryRow;
import io.ret.api.v1.QueryRows;
import io.ret.api.v1.QuerySummary;
import io.ret.api.v1.QueryValue;
import io.ret.api.v1.RunQueryResponse;
import io.ret.api.v1.ValueType;
import io.ret.server.platform.error.ApiException;

/**
 * Sends a result as RunQuery messages: the columns, pages of rows cut at a row count
 * or at 256 KiB (so no message comes near gRPC's limits), then the summary. It
 * honours flow control: the statement's thread waits while the client is not ready,
 * so a slow reader holds the statement, not the server's memory.
 */
final class ResultPager implements RowSink {
    static final int MAX_PAGE_BYTES = 256 * 1024;
    static final int MAX_ROW_BYTES = 1024 * 1024;

    private final ServerCallStreamObserver<RunQueryResponse> call;
    private final int pageRows;
    private final Object readiness = new Object();
    private List<ValueKind> kinds = List.of();
    private QueryRows.Builder page = QueryRows.newBuilder();
    private int pageBytes;
    private volatile boolean cancelled;

    ResultPager(ServerCallStreamObserver<RunQueryResponse> call, int pageRows) {
        this.call = call;
        this.pageRows = pageRows;
        call.setOnReadyHandler(this::signal);
        call.setOnCancelHandler(() -> {
            cancelled = true;
            signal();
        });
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public void columns(List<ResultColumn> columns) {
        kinds = columns.stream().map(ResultColumn::kind).toList();
        QueryColumns.Builder out = QueryColumns.newBuilder();
        columns.forEach(c -> out.addColumns(QueryColumn.newBuilder().setName(c.name()).setType(type(c.kind()))
                .setDatabaseType(c.databaseType())));
        send(RunQueryResponse.newBuilder().setColumns(out).build());
    }

    @Override
    public void row(List<Object> values) {
        QueryRow.Builder row = QueryRow.newBuilder();
        for (int i = 0; i < values.size(); i++) {
            row.addValues(value(values.get(i), kinds.get(i)));
        }
        QueryRow built = row.build();
        int size = built.getSerializedSize();
        if (size > MAX_ROW_BYTES) {
            throw ApiException.resourceExhausted("SQL_ROW_TOO_LARGE",
                    "a result row is larger than 1 MiB; select fewer or shorter columns", null);
        }
        if (page.getRowsCount() > 0 && (page.getRowsCount() >= pageRows || pageBytes + size > MAX_PAGE_BYTES)) {
            flush();
        }
        page.addRows(built);
        pageBytes += size;
    }

    void finish(SqlSandbox.Outcome outcome, long elapsedMillis) {
        flush();
        send(RunQueryResponse.newBuilder().setSummary(QuerySummary.newBuilder().setRows(outcome.rows())
                .setTruncated(outcome.truncated()).setElapsedMillis(elapsedMillis)).build());
    }

    private void flush() {
        if (page.getRowsCount() > 0) {
            send(RunQueryResponse.newBuilder().setRows(page).build());
            page = QueryRows.newBuilder();
            pageBytes = 0;
        }
    }

    private void send(RunQueryResponse message) {
        synchronized (readiness) {
            while (!call.isReady() && !cancelled) {
                try {
                    readiness.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the client was not ready", e);
                }
            }
        }
        if (cancelled) {
            throw new IllegalStateException("the client went away");
        }
        call.onNext(message);
    }

    private void signal() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    private static QueryValue value(Object value, ValueKind kind) {
        QueryValue.Builder out = QueryValue.newBuilder();
        return switch (value) {
            case null -> out.setNullValue(NullValue.NULL_VALUE).build();
            case Long l -> out.setIntegerValue(l).build();
            case Double d -> out.setNumberValue(d).build();
            case Boolean b -> out.setBoolValue(b).build();
            case String s when kind == ValueKind.STRING -> out.setStringValue(s).build();
            default -> out.setTextValue(value.toString()).build();
        };
    }

    static ValueType type(ValueKind kind) {
        return switch (kind) {
            case STRING -> ValueType.VALUE_TYPE_STRING;
            case INTEGER -> ValueType.VALUE_TYPE_INTEGER;
            case NUMBER -> ValueType.VALUE_TYPE_NUMBER;
            case DECIMAL -> ValueType.VALUE_TYPE_DECIMAL;
            case BOOLEAN -> ValueType.VALUE_TYPE_BOOLEAN;
            case DATE -> ValueType.VALUE_TYPE_DATE;
            case TIMESTAMP -> ValueType.VALUE_TYPE_TIMESTAMP;
            case OTHER -> ValueType.VALUE_TYPE_OTHER;
        };
    }
}
