package io.ret.server.rag.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;

import io.ret.server.rag.Chunk;
import io.ret.server.rag.Scope;
import io.ret.server.rag.Terms;

/**
 * The embedded store: one Lucene 10 index on disk holding every collection.
 * Vectors in an HNSW graph ({@link KnnFloatVectorField}, cosine), text under BM25
 * with {@link IdentifierAnalyzer}. A collection's vectors live in the field
 * {@code vector_<dimensions>}, so collections of different models can share the index;
 * each collection's dimensions are kept in the commit's user data.
 *
 * <p>Owner and collection are a filter inside {@link KnnFloatVectorQuery} (Lucene
 * explores the graph only through matching documents, or scans them exactly when
 * few match) and FILTER clauses of the BM25 query. The next search sees every write
 * (the searcher is refreshed lazily, on the first search after a write). Deletes and
 * collection changes commit at once; upserts commit on {@link #flush()}, at close, or when
 * the last commit is {@link #COMMIT_EVERY_NANOS} old: a commit per batch (an fsync) cost
 * bulk indexing a fifth of its speed.
 */
public final class LuceneVectorStore implements VectorStore {
    static final String ID = "id";
    static final String COLLECTION = "collection";
    static final String OWNER = "owner";
    static final String SESSION = "session";
    static final String FILE = "file";
    static final String FIRST_ROW = "first_row";
    static final String LAST_ROW = "last_row";
    static final String TEXT = "text";
    private static final String DIMS_KEY = "dims.";
    /** Lucene's default limit for float vectors. */
    static final int MAX_DIMENSIONS = 1024;
    private static final long COMMIT_EVERY_NANOS = 10_000_000_000L;

    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Map<String, Integer> dimensions = new HashMap<>();
    private volatile boolean stale;
    private long lastCommit = System.nanoTime();

    private LuceneVectorStore(FSDirectory directory, IndexWriter writer) throws IOException {
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
        Map<String, String> userData = new HashMap<>();
        writer.getLiveCommitData().forEach(e -> userData.put(e.getKey(), e.getValue()));
        userData.forEach((k, v) -> {
            if (k.startsWith(DIMS_KEY)) {
                dimensions.put(k.substring(DIMS_KEY.length()), Integer.parseInt(v));
            }
        });
    }

    /** Opens (or creates) the index in {@code dir}; one store per directory per process. */
    public static LuceneVectorStore open(Path dir) {
        try {
            FSDirectory directory = FSDirectory.open(dir);
            IndexWriterConfig config = new IndexWriterConfig(new IdentifierAnalyzer())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(64);
            return new LuceneVectorStore(directory, new IndexWriter(directory, config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Lucene index in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void ensureCollection(String collection, int dims) {
        Scope.requireCollection(collection);
        if (dims < 1 || dims > MAX_DIMENSIONS) {
            throw new IllegalArgumentException("dimensions must be 1.." + MAX_DIMENSIONS + ", got " + dims);
        }
        Integer existing = dimensions.get(collection);
        if (existing != null) {
            if (existing != dims) {
                throw new IllegalStateException("collection " + collection + " has " + existing + " dimensions, not " + dims);
            }
            return;
        }
        dimensions.put(collection, dims);
        commit();
    }

    @Override
    public void upsert(List<EmbeddedChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        try {
            for (EmbeddedChunk ec : chunks) {
                Chunk c = ec.chunk();
                int dims = dimensionsOf(c.collection());
                if (ec.vector().length != dims) {
                    throw new IllegalArgumentException("vector of " + ec.vector().length + " dimensions for collection "
                            + c.collection() + " of " + dims);
                }
                writer.updateDocument(new Term(ID, c.id()), document(c, ec.vector()));
            }
            stale = true;
            commitIfOld();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Lucene index: " + e.getMessage(), e);
        }
    }

    private static Document document(Chunk c, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(ID, c.id(), Field.Store.YES));
        doc.add(new StringField(COLLECTION, c.collection(), Field.Store.YES));
        doc.add(new StringField(OWNER, c.ownerId(), Field.Store.YES));
        doc.add(new StringField(SESSION, c.sessionId(), Field.Store.YES));
        doc.add(new StoredField(FILE, c.file()));
        doc.add(new StoredField(FIRST_ROW, c.firstRow()));
        doc.add(new StoredField(LAST_ROW, c.lastRow()));
        doc.add(new TextField(TEXT, c.text(), Field.Store.YES));
        doc.add(new KnnFloatVectorField(vectorField(vector.length), vector, VectorSimilarityFunction.COSINE));
        return doc;
    }

    @Override
    public void deleteSession(Scope scope, String sessionId) {
        Scope.requireId("sessionId", sessionId);
        try {
            writer.deleteDocuments(new BooleanQuery.Builder()
                    .add(filter(scope), Occur.FILTER)
                    .add(new TermQuery(new Term(SESSION, sessionId)), Occur.FILTER)
                    .build());
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Lucene index: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ScoredChunk> searchDense(Scope scope, float[] query, int k) {
        Integer dims = knownDimensions(scope.collection());
        if (dims == null) {
            return List.of();
        }
        if (query.length != dims) {
            throw new IllegalArgumentException("query vector of " + query.length + " dimensions for collection of " + dims);
        }
        // Lucene's COSINE score is (1 + cos) / 2; callers get the cosine back
        return search(new KnnFloatVectorQuery(vectorField(dims), query, k, filter(scope)), k, s -> 2 * s - 1);
    }

    @Override
    public List<ScoredChunk> searchKeyword(Scope scope, String query, int k) {
        if (knownDimensions(scope.collection()) == null) {
            return List.of();
        }
        var terms = new LinkedHashSet<>(Terms.words(query));
        if (terms.isEmpty()) {
            return List.of();
        }
        var bm25 = new BooleanQuery.Builder();
        for (String t : terms) {
            bm25.add(new TermQuery(new Term(TEXT, t)), Occur.SHOULD);
        }
        Query q = new BooleanQuery.Builder()
                .add(bm25.build(), Occur.MUST)
                .add(filter(scope), Occur.FILTER)
                .build();
        return search(q, k, s -> s);
    }

    @Override
    public boolean supportsKeyword(String collection) {
        return true;
    }

    @Override
    public long count(Scope scope) {
        IndexSearcher searcher = acquire();
        try {
            return searcher.count(filter(scope));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Lucene index: " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    @Override
    public synchronized void dropCollection(String collection) {
        Scope.requireCollection(collection);
        try {
            writer.deleteDocuments(new Term(COLLECTION, collection));
            dimensions.remove(collection);
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Lucene index: " + e.getMessage(), e);
        }
    }

    private interface ScoreMapping {
        float apply(float luceneScore);
    }

    private List<ScoredChunk> search(Query query, int k, ScoreMapping mapping) {
        IndexSearcher searcher = acquire();
        try {
            ScoreDoc[] hits = searcher.search(query, k).scoreDocs;
            StoredFields stored = searcher.storedFields();
            List<ScoredChunk> out = new ArrayList<>(hits.length);
            for (ScoreDoc hit : hits) {
                out.add(new ScoredChunk(chunk(stored.document(hit.doc)), mapping.apply(hit.score)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Lucene index: " + e.getMessage(), e);
        } finally {
            release(searcher);
        }
    }

    private static Chunk chunk(Document d) {
        return new Chunk(d.get(ID), d.get(COLLECTION), d.get(OWNER), d.get(SESSION), d.get(FILE),
                d.getField(FIRST_ROW).numericValue().longValue(), d.getField(LAST_ROW).numericValue().longValue(),
                d.get(TEXT));
    }

    private static Query filter(Scope scope) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(OWNER, scope.ownerId())), Occur.FILTER)
                .add(new TermQuery(new Term(COLLECTION, scope.collection())), Occur.FILTER)
                .build();
    }

    private static String vectorField(int dims) {
        return "vector_" + dims;
    }

    private synchronized Integer knownDimensions(String collection) {
        return dimensions.get(collection);
    }

    private int dimensionsOf(String collection) {
        Integer dims = knownDimensions(collection);
        if (dims == null) {
            throw new IllegalStateException("collection " + collection + " does not exist; call ensureCollection first");
        }
        return dims;
    }

    @Override
    public void flush() {
        commit();
    }

    private synchronized void commitIfOld() {
        if (System.nanoTime() - lastCommit > COMMIT_EVERY_NANOS) {
            commit();
        }
    }

    private IndexSearcher acquire() {
        try {
            if (stale) {
                stale = false;
                searchers.maybeRefreshBlocking();
            }
            return searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void commit() {
        try {
            Map<String, String> userData = new HashMap<>();
            dimensions.forEach((c, d) -> userData.put(DIMS_KEY + c, Integer.toString(d)));
            writer.setLiveCommitData(userData.entrySet());
            writer.commit();
            lastCommit = System.nanoTime();
            stale = false;
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit the Lucene index: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the Lucene index: " + e.getMessage(), e);
        }
    }
}
