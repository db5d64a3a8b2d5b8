package io.ret.server.rag;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.InvalidProtocolBufferException;
import io.milvus.grpc.BoolResponse;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConnectRequest;
import io.milvus.grpc.ConnectResponse;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.DescribeIndexResponse;
import io.milvus.grpc.DropCollectionRequest;
import io.milvus.grpc.ErrorCode;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.FlushResponse;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.GetLoadStateResponse;
import io.milvus.grpc.GetVersionRequest;
import io.milvus.grpc.GetVersionResponse;
import io.milvus.grpc.HasCollectionRequest;
import io.milvus.grpc.IDs;
import io.milvus.grpc.IndexDescription;
import io.milvus.grpc.IndexState;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LoadState;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.PlaceholderGroup;
import io.milvus.grpc.PlaceholderType;
import io.milvus.grpc.PlaceholderValue;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.SearchRequest;
import io.milvus.grpc.SearchResultData;
import io.milvus.grpc.SearchResults;
import io.milvus.grpc.Status;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.UpsertRequest;
import io.milvus.shaded.io.grpc.Server;
import io.milvus.shaded.io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.milvus.shaded.io.grpc.stub.StreamObserver;
import io.ret.server.rag.embed.Vectors;

/**
 * A small Milvus for tests: the SDK's own generated service base (under its shaded
 * gRPC) on a real loopback socket. Keeps rows in memory per collection; searches by
 * real cosine similarity or BM25 (standard-analyzer-like tokens, as Milvus splits
 * SKU-12345 into sku and 12345); evaluates the filter expressions the store emits
 * ({@code field == "value"} joined by {@code &&}) and rejects anything else.
 */
final class FakeMilvusServer implements AutoCloseable {
    private static final Pattern CLAUSE = Pattern.compile("\\s*(\\w+)\\s*==\\s*\"([^\"\\\\]*)\"\\s*");

    private final String version;
    private final Server server;
    final Map<String, Collection> collections = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    static final class Collection {
        final CollectionSchema schema;
        final Map<String, Map<String, Object>> rows = new LinkedHashMap<>();

        Collection(CollectionSchema schema) {
            this.schema = schema;
        }

        boolean hasField(String name) {
            return schema.getFieldsList().stream().anyMatch(f -> f.getName().equals(name));
        }
    }

    FakeMilvusServer(String version) throws IOException {
        this.version = version;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Service())
                .build()
                .start();
    }

    String uri() {
        return "http://127.0.0.1:" + server.getPort();
    }

    int calls(String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private static Status ok() {
        return Status.newBuilder().setErrorCode(ErrorCode.Success).setCode(0).build();
    }

    private static Status error(String reason) {
        return Status.newBuilder().setErrorCode(ErrorCode.UnexpectedError).setCode(1).setReason(reason).build();
    }

    /** {@code owner_id == "a" && session_id == "b"}; anything else is an error, to catch what we did not expect. */
    static Predicate<Map<String, Object>> parseFilter(String expr) {
        Predicate<Map<String, Object>> all = row -> true;
        if (expr == null || expr.isBlank()) {
            return all;
        }
        for (String clause : expr.split("&&")) {
            Matcher m = CLAUSE.matcher(clause);
            if (!m.matches()) {
                throw new IllegalArgumentException("unsupported filter clause: " + clause);
            }
            String field = m.group(1);
            String value = m.group(2);
            all = all.and(row -> value.equals(row.get(field)));
        }
        return all;
    }

    private final class Service extends MilvusServiceGrpc.MilvusServiceImplBase {

        private <T> void reply(String method, StreamObserver<T> out, java.util.function.Supplier<T> body) {
            calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
            out.onNext(body.get());
            out.onCompleted();
        }

        @Override
        public void connect(ConnectRequest request, StreamObserver<ConnectResponse> out) {
            reply("Connect", out, () -> ConnectResponse.newBuilder().setStatus(ok()).setIdentifier(1).build());
        }

        @Override
        public void getVersion(GetVersionRequest request, StreamObserver<GetVersionResponse> out) {
            reply("GetVersion", out, () -> GetVersionResponse.newBuilder().setStatus(ok()).setVersion(version).build());
        }

        @Override
        public void hasCollection(HasCollectionRequest request, StreamObserver<BoolResponse> out) {
            reply("HasCollection", out, () -> BoolResponse.newBuilder().setStatus(ok())
                    .setValue(collections.containsKey(request.getCollectionName())).build());
        }

        @Override
        public void createCollection(CreateCollectionRequest request, StreamObserver<Status> out) {
            reply("CreateCollection", out, () -> {
                try {
                    CollectionSchema schema = CollectionSchema.parseFrom(request.getSchema());
                    if (schema.getFunctionsCount() > 0 && !version.startsWith("v2.5") && !version.startsWith("v2.6")) {
                        return error("functions need Milvus 2.5");
                    }
                    collections.put(request.getCollectionName(), new Collection(schema));
                    return ok();
                } catch (InvalidProtocolBufferException e) {
                    return error(e.getMessage());
                }
            });
        }

        @Override
        public void describeCollection(DescribeCollectionRequest request, StreamObserver<DescribeCollectionResponse> out) {
            reply("DescribeCollection", out, () -> {
                Collection c = collections.get(request.getCollectionName());
                if (c == null) {
                    return DescribeCollectionResponse.newBuilder().setStatus(error("collection not found")).build();
                }
                return DescribeCollectionResponse.newBuilder().setStatus(ok()).setSchema(c.schema)
                        .setCollectionName(request.getCollectionName()).setCollectionID(1).setShardsNum(1)
                        .setConsistencyLevel(io.milvus.grpc.ConsistencyLevel.Bounded).build();
            });
        }

        @Override
        public void createIndex(CreateIndexRequest request, StreamObserver<Status> out) {
            reply("CreateIndex", out, () -> collections.containsKey(request.getCollectionName()) ? ok() : error("no collection"));
        }

        @Override
        public void describeIndex(DescribeIndexRequest request, StreamObserver<DescribeIndexResponse> out) {
            reply("DescribeIndex", out, () -> DescribeIndexResponse.newBuilder().setStatus(ok())
                    .addIndexDescriptions(IndexDescription.newBuilder().setFieldName(request.getFieldName())
                            .setIndexName(request.getFieldName()).setState(IndexState.Finished)).build());
        }

        @Override
        public void loadCollection(LoadCollectionRequest request, StreamObserver<Status> out) {
            reply("LoadCollection", out, FakeMilvusServer::ok);
        }

        @Override
        public void getLoadState(GetLoadStateRequest request, StreamObserver<GetLoadStateResponse> out) {
            reply("GetLoadState", out, () -> GetLoadStateResponse.newBuilder().setStatus(ok())
                    .setState(LoadState.LoadStateLoaded).build());
        }

        @Override
        public void insert(InsertRequest request, StreamObserver<MutationResult> out) {
            reply("Insert", out, () -> write(request.getCollectionName(), request.getFieldsDataList(), request.getNumRows()));
        }

        @Override
        public void upsert(UpsertRequest request, StreamObserver<MutationResult> out) {
            reply("Upsert", out, () -> write(request.getCollectionName(), request.getFieldsDataList(), request.getNumRows()));
        }

        private MutationResult write(String name, List<FieldData> columns, int numRows) {
            Collection c = collections.get(name);
            if (c == null) {
                return MutationResult.newBuilder().setStatus(error("collection not found")).build();
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < numRows; i++) {
                rows.add(new HashMap<>());
            }
            for (FieldData column : columns) {
                for (int i = 0; i < numRows; i++) {
                    rows.get(i).put(column.getFieldName(), value(column, i));
                }
            }
            var ids = StringArray.newBuilder();
            synchronized (c) {
                for (Map<String, Object> row : rows) {
                    String id = (String) row.get("id");
                    c.rows.put(id, row);
                    ids.addData(id);
                }
            }
            return MutationResult.newBuilder().setStatus(ok()).setIDs(IDs.newBuilder().setStrId(ids))
                    .setUpsertCnt(numRows).setInsertCnt(numRows).build();
        }

        private static Object value(FieldData column, int i) {
            return switch (column.getType()) {
                case VarChar, String -> column.getScalars().getStringData().getData(i);
                case Int64 -> column.getScalars().getLongData().getData(i);
                case FloatVector -> {
                    int dim = (int) column.getVectors().getDim();
                    float[] v = new float[dim];
                    for (int d = 0; d < dim; d++) {
                        v[d] = column.getVectors().getFloatVector().getData(i * dim + d);
                    }
                    yield v;
                }
                default -> throw new IllegalArgumentException("unexpected column type " + column.getType());
            };
        }

        @Override
        public void delete(DeleteRequest request, StreamObserver<MutationResult> out) {
            reply("Delete", out, () -> {
                Collection c = collections.get(request.getCollectionName());
                if (c == null) {
                    return MutationResult.newBuilder().setStatus(error("collection not found")).build();
                }
                Predicate<Map<String, Object>> filter = parseFilter(request.getExpr());
                long deleted;
                synchronized (c) {
                    int before = c.rows.size();
                    c.rows.values().removeIf(filter);
                    deleted = before - c.rows.size();
                }
                return MutationResult.newBuilder().setStatus(ok()).setDeleteCnt(deleted).build();
            });
        }

        @Override
        public void search(SearchRequest request, StreamObserver<SearchResults> out) {
            reply("Search", out, () -> {
                try {
                    return doSearch(request);
                } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                    return SearchResults.newBuilder().setStatus(error(e.getMessage())).build();
                }
            });
        }

        private SearchResults doSearch(SearchRequest request) throws InvalidProtocolBufferException {
            Collection c = collections.get(request.getCollectionName());
            if (c == null) {
                return SearchResults.newBuilder().setStatus(error("collection not found")).build();
            }
            Map<String, String> params = new HashMap<>();
            request.getSearchParamsList().forEach(kv -> params.put(kv.getKey(), kv.getValue()));
            int limit = Integer.parseInt(params.getOrDefault("topk", params.getOrDefault("limit", "10")));
            String field = params.get("anns_field");
            PlaceholderValue target = PlaceholderGroup.parseFrom(request.getPlaceholderGroup()).getPlaceholders(0);
            Predicate<Map<String, Object>> filter = parseFilter(request.getDsl());
            List<Map<String, Object>> candidates;
            synchronized (c) {
                candidates = c.rows.values().stream().filter(filter).toList();
            }
            Map<Map<String, Object>, Float> scored = new LinkedHashMap<>();
            if (target.getType() == PlaceholderType.FloatVector) {
                if (!"vector".equals(field)) {
                    throw new IllegalArgumentException("dense search on " + field);
                }
                float[] q = floats(target.getValues(0).toByteArray());
                candidates.forEach(row -> scored.put(row, Vectors.cosine(q, (float[]) row.get("vector"))));
            } else if (target.getType() == PlaceholderType.VarChar) {
                if (!c.hasField("sparse") || !"sparse".equals(field)) {
                    throw new IllegalArgumentException("no BM25 function on this collection");
                }
                bm25(c, target.getValues(0).toStringUtf8(), candidates, scored);
            } else {
                throw new IllegalArgumentException("unexpected placeholder " + target.getType());
            }
            List<Map<String, Object>> top = scored.entrySet().stream()
                    .sorted(Map.Entry.<Map<String, Object>, Float>comparingByValue().reversed())
                    .limit(limit).map(Map.Entry::getKey).toList();
            var data = SearchResultData.newBuilder().setNumQueries(1).setTopK(limit).addTopks(top.size())
                    .setPrimaryFieldName("id");
            var ids = StringArray.newBuilder();
            for (Map<String, Object> row : top) {
                ids.addData((String) row.get("id"));
                data.addScores(scored.get(row));
            }
            data.setIds(IDs.newBuilder().setStrId(ids));
            for (String name : request.getOutputFieldsList()) {
                data.addOutputFields(name);
                data.addFieldsData(column(c, name, top));
            }
            return SearchResults.newBuilder().setStatus(ok()).setResults(data).setCollectionName(request.getCollectionName()).build();
        }

        private void bm25(Collection c, String query, List<Map<String, Object>> candidates, Map<Map<String, Object>, Float> scored) {
            List<List<String>> corpus;
            synchronized (c) {
                corpus = c.rows.values().stream().map(r -> tokens((String) r.get("text"))).toList();
            }
            double avgLength = corpus.stream().mapToInt(List::size).average().orElse(1);
            List<String> terms = tokens(query).stream().distinct().toList();
            for (Map<String, Object> row : candidates) {
                List<String> doc = tokens((String) row.get("text"));
                double score = 0;
                for (String t : terms) {
                    long tf = doc.stream().filter(t::equals).count();
                    if (tf == 0) {
                        continue;
                    }
                    long df = corpus.stream().filter(d -> d.contains(t)).count();
                    double idf = Math.log(1 + (corpus.size() - df + 0.5) / (df + 0.5));
                    score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * doc.size() / avgLength));
                }
                if (score > 0) {
                    scored.put(row, (float) score);
                }
            }
        }

        @Override
        public void query(QueryRequest request, StreamObserver<QueryResults> out) {
            reply("Query", out, () -> {
                Collection c = collections.get(request.getCollectionName());
                if (c == null) {
                    return QueryResults.newBuilder().setStatus(error("collection not found")).build();
                }
                if (!request.getOutputFieldsList().equals(List.of("count(*)"))) {
                    return QueryResults.newBuilder().setStatus(error("this fake only counts")).build();
                }
                long count;
                synchronized (c) {
                    count = c.rows.values().stream().filter(parseFilter(request.getExpr())).count();
                }
                return QueryResults.newBuilder().setStatus(ok()).addOutputFields("count(*)")
                        .addFieldsData(FieldData.newBuilder().setFieldName("count(*)").setType(DataType.Int64)
                                .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(count))))
                        .build();
            });
        }

        @Override
        public void flush(FlushRequest request, StreamObserver<FlushResponse> out) {
            reply("Flush", out, () -> FlushResponse.newBuilder().setStatus(ok()).build());
        }

        @Override
        public void dropCollection(DropCollectionRequest request, StreamObserver<Status> out) {
            reply("DropCollection", out, () -> {
                collections.remove(request.getCollectionName());
                return ok();
            });
        }
    }

    private static FieldData column(Collection c, String name, List<Map<String, Object>> rows) {
        FieldSchema schema = c.schema.getFieldsList().stream().filter(f -> f.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no field " + name));
        var data = FieldData.newBuilder().setFieldName(name).setType(schema.getDataType());
        if (schema.getDataType() == DataType.Int64) {
            var longs = LongArray.newBuilder();
            rows.forEach(r -> longs.addData((Long) r.get(name)));
            data.setScalars(ScalarField.newBuilder().setLongData(longs));
        } else {
            var strings = StringArray.newBuilder();
            rows.forEach(r -> strings.addData((String) r.get(name)));
            data.setScalars(ScalarField.newBuilder().setStringData(strings));
        }
        return data.build();
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    private static float[] floats(byte[] bytes) {
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
