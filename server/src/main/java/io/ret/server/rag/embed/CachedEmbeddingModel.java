package io.ret.server.rag.embed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Remembers embeddings in Redis so text already embedded by the same model is not
 * sent again. Key: {@code ret:emb:<model name>:<SHA-256 of the text>}; value: the
 * vector as little-endian float32 (1.5 KB for 384 dimensions). Entries expire after
 * {@code ttl}. A Redis failure is logged and the model is asked instead: the cache
 * speeds things up, it never fails a request.
 */
public final class CachedEmbeddingModel implements EmbeddingModel {
    private static final Logger LOG = Logger.getLogger(CachedEmbeddingModel.class.getName());

    private final EmbeddingModel model;
    private final UnifiedJedis redis;
    private final Duration ttl;
    private final String keyPrefix;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public CachedEmbeddingModel(EmbeddingModel model, UnifiedJedis redis, Duration ttl) {
        this.model = model;
        this.redis = redis;
        this.ttl = ttl;
        this.keyPrefix = "ret:emb:" + model.name() + ":";
    }

    /** Counts since start: texts answered from Redis, and texts sent to the model. */
    public record Stats(long hits, long misses) {}

    public Stats stats() {
        return new Stats(hits.sum(), misses.sum());
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public int dimensions() {
        return model.dimensions();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        byte[][] keys = new byte[texts.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(texts.get(i));
        }
        float[][] vectors = new float[texts.size()][];
        List<byte[]> cached = lookup(keys);
        // the same text twice in one batch is sent once
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < vectors.length; i++) {
            byte[] bytes = cached.get(i);
            if (bytes != null && bytes.length == model.dimensions() * Float.BYTES) {
                vectors[i] = Vectors.fromBytes(bytes);
                hits.increment();
            } else {
                missing.computeIfAbsent(texts.get(i), t -> new ArrayList<>()).add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<String> toEmbed = List.copyOf(missing.keySet());
            List<float[]> fresh = model.embed(toEmbed);
            misses.add(toEmbed.size());
            List<byte[]> storeKeys = new ArrayList<>(toEmbed.size());
            for (int j = 0; j < toEmbed.size(); j++) {
                List<Integer> positions = missing.get(toEmbed.get(j));
                for (int i : positions) {
                    vectors[i] = fresh.get(j);
                }
                storeKeys.add(keys[positions.getFirst()]);
            }
            store(storeKeys, fresh);
        }
        return List.of(vectors);
    }

    private List<byte[]> lookup(byte[][] keys) {
        try {
            return redis.mget(keys);
        } catch (JedisException e) {
            LOG.log(Level.WARNING, "embedding cache read failed, asking the model: {0}", e.getMessage());
            return java.util.Arrays.asList(new byte[keys.length][]);
        }
    }

    private void store(List<byte[]> keys, List<float[]> vectors) {
        SetParams expiry = SetParams.setParams().px(ttl.toMillis());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (int i = 0; i < keys.size(); i++) {
                pipeline.set(keys.get(i), Vectors.toBytes(vectors.get(i)), expiry);
            }
            pipeline.sync();
        } catch (JedisException e) {
            LOG.log(Level.WARNING, "embedding cache write failed: {0}", e.getMessage());
        }
    }

    private byte[] key(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return (keyPrefix + HexFormat.of().formatHex(digest)).getBytes(StandardCharsets.UTF_8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public float[] embedQuery(String query) {
        return model.embedQuery(query);
    }

    @Override
    public void close() {
        model.close();
    }
}
