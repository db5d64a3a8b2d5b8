package io.ret.server.rag.store.milvus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.common.clientenum.FunctionType;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import io.ret.server.rag.Chunk;
import io.ret.server.rag.Scope;
import io.ret.server.rag.resilience.ModelUnavailableException;
import io.ret.server.rag.store.VectorStore;

/**
 * Chunks in Milvus through the v2 Java SDK: one Milvus collection per logical
 * collection ({@code prefix + name}), fields id, vector, text, file, first_row,
 * last_row, session_id, owner_id (the partition key, so one owner's search touches
 * their partition). HNSW index, COSINE metric; searches run at Bounded consistency,
 * counts at Strong.
 *
 * <p>Keyword search: Milvus 2.5 added full-text search, a BM25 function that fills a
 * sparse field from the analysed text. With {@link MilvusSettings.Keyword#AUTO} a
 * collection is created with it when the server reports version 2.5 or newer;
 * older servers (or {@code NONE}) get dense-only collections, for which
 * {@link #supportsKeyword} is false. An existing collection keeps what it was created with.
 *
 * <p>Ownership: owner and collection ids are restricted by {@link Scope} to a
 * quote-free alphabet, and the filter expression goes into the search request, so
 * Milvus applies it before ranking.
 */
public final class MilvusVectorStore implements VectorStore {
    private static final Logger LOG = Logger.getLogger(MilvusVectorStore.class.getName());
    static final String ID = "id";
    static final String VECTOR = "vector";
    static final String SPARSE = "sparse";
    static final String TEXT = "text";
    static final String FILE = "file";
    static final String FIRST_ROW = "first_row";
    static final String LAST_ROW = "last_row";
    static final String SESSION = "session_id";
    static final String OWNER = "owner_id";
    /** Milvus measures VarChar max_length in bytes. */
    static final int TEXT_MAX_BYTES = 65_535;
    private static final List<String> OUTPUT = List.of(ID, TEXT, FILE, FIRST_ROW, LAST_ROW, SESSION, OWNER);
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)");

    private final MilvusClientV2 client;
    private final MilvusSettings settings;
    private final boolean serverHasBm25;
    private final Map<String, Boolean> keywordByCollection = new ConcurrentHashMap<>();
    private final Map<String, Integer> dimensionsByCollection = new ConcurrentHashMap<>();

    private MilvusVectorStore(MilvusClientV2 client, MilvusSettings settings, boolean serverHasBm25) {
        this.client = client;
        this.settings = settings;
        this.serverHasBm25 = serverHasBm25;
    }

    /** Connects (fails within the connect timeout when Milvus is unreachable) and checks the server version. */
    public static MilvusVectorStore connect(MilvusSettings settings) {
        var config = ConnectConfig.builder()
                .uri(settings.uri())
                .connectTimeoutMs(settings.connectTimeout().toMillis())
                .rpcDeadlineMs(settings.rpcDeadline().toMillis());
        settings.token().ifPresent(t -> config.token(t.value()));
        settings.database().ifPresent(config::dbName);
        MilvusClientV2 client;
        try {
            client = new MilvusClientV2(config.build());
        } catch (RuntimeException e) {
            throw new ModelUnavailableException("cannot connect to Milvus at " + settings.uri() + ": " + e.getMessage(), e);
        }
        client.retryConfig(RetryConfig.builder()
                .maxRetryTimes(settings.maxRetries() + 1)
                .initialBackOffMs(100)
                .maxBackOffMs(1000)
                .maxRetryTimeoutMs(settings.rpcDeadline().toMillis() * (settings.maxRetries() + 1))
                .build());
        boolean bm25 = switch (settings.keyword()) {
            case BM25 -> true;
            case NONE -> false;
            case AUTO -> supportsBm25(client.getServerVersion());
        };
        LOG.info(() -> "Milvus " + settings.uri() + ": keyword search " + (bm25 ? "by BM25" : "off (dense only)"));
        return new MilvusVectorStore(client, settings, bm25);
    }

    /** Full-text search (the BM25 function) arrived in Milvus 2.5. */
    public static boolean supportsBm25(String version) {
        Matcher m = VERSION.matcher(version == null ? "" : version.strip());
        if (!m.lookingAt()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 2 || (major == 2 && minor >= 5);
    }

    private String physical(String collection) {
        return settings.collectionPrefix() + Scope.requireCollection(collection);
    }

    @Override
    public void ensureCollection(String collection, int dimensions) {
        String name = physical(collection);
        call("check collection " + name, () -> {
            if (exists(name)) {
                var schema = client.describeCollection(DescribeCollectionReq.builder().collectionName(name).build())
                        .getCollectionSchema();
                CreateCollectionReq.FieldSchema vector = schema.getField(VECTOR);
                if (vector == null || vector.getDimension() == null || vector.getDimension() != dimensions) {
                    throw new IllegalStateException("collection " + collection + " exists with other dimensions than "
                            + dimensions);
                }
                keywordByCollection.put(collection, schema.getField(SPARSE) != null);
                dimensionsByCollection.put(collection, dimensions);
                return null;
            }
            create(name, dimensions);
            keywordByCollection.put(collection, serverHasBm25);
            dimensionsByCollection.put(collection, dimensions);
            return null;
        });
    }

    private void create(String name, int dimensions) {
        var schema = MilvusClientV2.CreateSchema();
        schema.addField(AddFieldReq.builder().fieldName(ID).dataType(DataType.VarChar).maxLength(64)
                .isPrimaryKey(true).autoID(false).build());
        schema.addField(AddFieldReq.builder().fieldName(VECTOR).dataType(DataType.FloatVector).dimension(dimensions).build());
        schema.addField(AddFieldReq.builder().fieldName(TEXT).dataType(DataType.VarChar).maxLength(TEXT_MAX_BYTES)
                .enableAnalyzer(serverHasBm25 ? Boolean.TRUE : null).build());
        schema.addField(AddFieldReq.builder().fieldName(FILE).dataType(DataType.VarChar).maxLength(2048).build());
        schema.addField(AddFieldReq.builder().fieldName(FIRST_ROW).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(LAST_ROW).dataType(DataType.Int64).build());
        schema.addField(AddFieldReq.builder().fieldName(SESSION).dataType(DataType.VarChar).maxLength(128).build());
        schema.addField(AddFieldReq.builder().fieldName(OWNER).dataType(DataType.VarChar).maxLength(128)
                .isPartitionKey(true).build());
        List<IndexParam> indexes = new ArrayList<>();
        indexes.add(IndexParam.builder().fieldName(VECTOR).indexType(IndexParam.IndexType.HNSW)
                .metricType(IndexParam.MetricType.COSINE).extraParams(Map.of("M", 16, "efConstruction", 200)).build());
        if (serverHasBm25) {
            schema.addField(AddFieldReq.builder().fieldName(SPARSE).dataType(DataType.SparseFloatVector).build());
            schema.addFunction(CreateCollectionReq.Function.builder().name("text_bm25")
                    .functionType(FunctionType.BM25)
                    .inputFieldNames(List.of(TEXT)).outputFieldNames(List.of(SPARSE)).build());
            indexes.add(IndexParam.builder().fieldName(SPARSE).indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX)
                    .metricType(IndexParam.MetricType.BM25).build());
        }
        client.createCollection(CreateCollectionReq.builder()
                .collectionName(name)
                .collectionSchema(schema)
                .indexParams(indexes)
                .consistencyLevel(ConsistencyLevel.BOUNDED)
                .build());
    }

    /**
     * Asked before searches and counts, so a missing collection reads as empty (as in the
     * Lucene store) instead of a server error. One cheap RPC; Milvus caches the answer.
     */
    private boolean exists(String name) {
        return call("check collection " + name, () -> client.hasCollection(HasCollectionReq.builder().collectionName(name).build()));
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        Map<String, List<JsonObject>> byCollection = new HashMap<>();
        for (EmbeddedChunk ec : chunks) {
            Chunk c = ec.chunk();
            Integer dims = dimensionsByCollection.get(c.collection());
            if (dims == null) {
                throw new IllegalStateException("collection " + c.collection() + " is not open; call ensureCollection first");
            }
            if (ec.vector().length != dims) {
                throw new IllegalArgumentException("vector of " + ec.vector().length + " dimensions for collection "
                        + c.collection() + " of " + dims);
            }
            if (c.text().getBytes(StandardCharsets.UTF_8).length > TEXT_MAX_BYTES) {
                throw new IllegalArgumentException("chunk " + c.location() + " is longer than " + TEXT_MAX_BYTES + " bytes");
            }
            JsonObject row = new JsonObject();
            row.addProperty(ID, c.id());
            JsonArray vector = new JsonArray(ec.vector().length);
            for (float f : ec.vector()) {
                vector.add(f);
            }
            row.add(VECTOR, vector);
            row.addProperty(TEXT, c.text());
            row.addProperty(FILE, c.file());
            row.addProperty(FIRST_ROW, c.firstRow());
            row.addProperty(LAST_ROW, c.lastRow());
            row.addProperty(SESSION, c.sessionId());
            row.addProperty(OWNER, c.ownerId());
            byCollection.computeIfAbsent(c.collection(), k -> new ArrayList<>()).add(row);
        }
        byCollection.forEach((collection, rows) -> call("upsert into " + collection, () ->
                client.upsert(UpsertReq.builder().collectionName(physical(collection)).data(rows).build())));
    }

    @Override
    public void deleteSession(Scope scope, String sessionId) {
        String filter = filter(scope) + " && " + SESSION + " == \"" + Scope.requireId("sessionId", sessionId) + "\"";
        call("delete from " + scope.collection(), () ->
                client.delete(DeleteReq.builder().collectionName(physical(scope.collection())).filter(filter).build()));
    }

    @Override
    public List<ScoredChunk> searchDense(Scope scope, float[] query, int k) {
        return search(scope, new FloatVec(query), VECTOR, IndexParam.MetricType.COSINE, Map.of("ef", Math.max(64, k)), k);
    }

    @Override
    public List<ScoredChunk> searchKeyword(Scope scope, String query, int k) {
        if (!supportsKeyword(scope.collection()) || query.isBlank()) {
            return List.of();
        }
        return search(scope, new EmbeddedText(query), SPARSE, IndexParam.MetricType.BM25, Map.of(), k);
    }

    private List<ScoredChunk> search(Scope scope, BaseVector target, String field, IndexParam.MetricType metric,
                                     Map<String, Object> params, int k) {
        String name = physical(scope.collection());
        if (!exists(name)) {
            return List.of();
        }
        SearchResp response = call("search " + scope.collection(), () -> client.search(SearchReq.builder()
                .collectionName(name)
                .data(List.of(target))
                .annsField(field)
                .metricType(metric)
                .searchParams(new HashMap<>(params))
                .filter(filter(scope))
                .limit(k)
                .outputFields(OUTPUT)
                .consistencyLevel(ConsistencyLevel.BOUNDED)
                .build()));
        List<ScoredChunk> out = new ArrayList<>();
        for (SearchResp.SearchResult r : response.getSearchResults().getFirst()) {
            Map<String, Object> e = r.getEntity();
            out.add(new ScoredChunk(new Chunk(String.valueOf(r.getId()), scope.collection(), (String) e.get(OWNER),
                    (String) e.get(SESSION), (String) e.get(FILE), ((Number) e.get(FIRST_ROW)).longValue(),
                    ((Number) e.get(LAST_ROW)).longValue(), (String) e.get(TEXT)), r.getScore()));
        }
        return out;
    }

    @Override
    public boolean supportsKeyword(String collection) {
        return keywordByCollection.computeIfAbsent(collection, c -> {
            String name = physical(c);
            return call("describe " + c, () -> exists(name)
                    && client.describeCollection(DescribeCollectionReq.builder().collectionName(name).build())
                    .getCollectionSchema().getField(SPARSE) != null);
        });
    }

    @Override
    public long count(Scope scope) {
        String name = physical(scope.collection());
        return call("count " + scope.collection(), () -> {
            if (!exists(name)) {
                return 0L;
            }
            var result = client.query(QueryReq.builder().collectionName(name).filter(filter(scope))
                    .outputFields(List.of("count(*)")).consistencyLevel(ConsistencyLevel.STRONG).build());
            return ((Number) result.getQueryResults().getFirst().getEntity().get("count(*)")).longValue();
        });
    }

    @Override
    public void dropCollection(String collection) {
        String name = physical(collection);
        call("drop " + collection, () -> {
            client.dropCollection(DropCollectionReq.builder().collectionName(name).build());
            return null;
        });
        keywordByCollection.remove(collection);
        dimensionsByCollection.remove(collection);
    }

    /** Values are {@link Scope}-validated (no quotes or backslashes), so plain quoting is safe. */
    static String filter(Scope scope) {
        return OWNER + " == \"" + scope.ownerId() + "\"";
    }

    private interface MilvusCall<T> {
        T run();
    }

    private <T> T call(String what, MilvusCall<T> call) {
        try {
            return call.run();
        } catch (MilvusClientException e) {
            throw new ModelUnavailableException("Milvus " + what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
