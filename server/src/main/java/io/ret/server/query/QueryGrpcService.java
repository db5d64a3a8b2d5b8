package io.ret.server.query;

import static io.ret.server.platform.grpc.Unary.reply;

import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.ListTablesRequest;
import io.ret.api.v1.ListTablesResponse;
import io.ret.api.v1.QueryColumn;
import io.ret.api.v1.QueryServiceGrpc;
import io.ret.api.v1.QueryTable;
import io.ret.api.v1.RunQueryRequest;
import io.ret.api.v1.RunQueryResponse;
import io.ret.api.v1.ValueType;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.security.Principal;

/** ret.v1.QueryService: read-only SQL over a session's tables, result streamed in pages. */
public final class QueryGrpcService extends QueryServiceGrpc.QueryServiceImplBase {
    private static final int DEFAULT_PAGE_ROWS = 500;
    private static final int MAX_PAGE_ROWS = 10_000;

    private final Queries queries;

    public QueryGrpcService(Queries queries) {
        this.queries = queries;
    }

    @Override
    public void listTables(ListTablesRequest request, StreamObserver<ListTablesResponse> response) {
        ListTablesResponse.Builder out = ListTablesResponse.newBuilder();
        for (SqlTable table : queries.tables(RequestContext.requirePrincipal(), request.getSessionId())) {
            QueryTable.Builder t = QueryTable.newBuilder().setName(table.name()).setSchemaName(table.schemaName())
                    .setFile(table.file()).addAllPrimaryKey(table.primaryKey()).setParent(table.parent())
                    .addAllParentKey(table.parentKey()).setRows(table.rows());
            table.columns().forEach(c -> t.addColumns(QueryColumn.newBuilder().setName(c.name())
                    .setType(c.type().map(type -> type(ViewDefinitions.sqlType(type))).orElse(ValueType.VALUE_TYPE_UNSPECIFIED))
                    .setDatabaseType(c.type().map(ViewDefinitions::sqlType).orElse(""))));
            out.addTables(t);
        }
        reply(response, out.build());
    }

    private static ValueType type(String databaseType) {
        return ResultPager.type(SqlSandbox.kind(databaseType));
    }

    /**
     * The statement runs on its own virtual thread: the call's readiness and cancellation
     * callbacks cannot arrive while the handler itself is blocked. The call's deadline (or
     * the client going away) cancels the statement.
     */
    @Override
    public void runQuery(RunQueryRequest request, StreamObserver<RunQueryResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        int pageRows = request.getPageRows() == 0 ? DEFAULT_PAGE_ROWS : request.getPageRows();
        if (pageRows < 1 || pageRows > MAX_PAGE_ROWS) {
            throw ApiException.invalid("page_rows", "must be between 1 and " + MAX_PAGE_ROWS + " (0 means 500)");
        }
        var call = (ServerCallStreamObserver<RunQueryResponse>) response;
        ResultPager pager = new ResultPager(call, pageRows);
        Context context = Context.current();
        Thread.ofVirtual().name("sql-statement").start(context.wrap(() -> {
            long started = System.nanoTime();
            try {
                SqlSandbox.Outcome outcome = queries.run(principal, request.getSessionId(), request.getSql(),
                        request.getMaxRows(), action -> context.addListener(c -> action.run(), Runnable::run), pager);
                pager.finish(outcome, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                call.onCompleted();
            } catch (RuntimeException e) {
                if (!pager.cancelled() && !context.isCancelled()) {
                    call.onError(e);
                }
            }
        }));
    }
}
