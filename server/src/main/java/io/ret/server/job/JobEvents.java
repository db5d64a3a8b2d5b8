package io.ret.server.job;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.ret.server.platform.redis.Redis;
import io.ret.server.platform.redis.Subscription;

/**
 * Job changes, fanned out through Redis so every server instance (and every
 * watcher on it) hears about changes made by any runner. A change is also
 * delivered locally at once, so watchers on the same instance do not depend on
 * Redis; listeners dedupe by version. Lost events are covered by watchers
 * re-reading the row.
 */
public final class JobEvents implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobEvents.class.getName());
    private static final byte[] CHANNEL = "ret:jobs".getBytes(StandardCharsets.US_ASCII);

    private final Redis redis;
    private final JobStore store;
    private final Map<String, Set<Consumer<JobRecord>>> listeners = new ConcurrentHashMap<>();
    private final Set<Consumer<JobRecord>> allListeners = ConcurrentHashMap.newKeySet();
    private final Subscription subscription;

    public JobEvents(Redis redis, JobStore store) {
        this.redis = redis;
        this.store = store;
        this.subscription = Subscription.start(redis, CHANNEL, this::onMessage, () -> { }, "job-events");
    }

    /** Announces the current row of {@code jobId} (read fresh, so the event is never older than the change). */
    public void changed(String jobId) {
        store.get(jobId).ifPresent(this::publish);
    }

    public void publish(JobRecord job) {
        deliver(job);
        byte[] id = job.id().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer message = ByteBuffer.allocate(8 + id.length).putLong(job.version()).put(id);
        try {
            redis.client().publish(CHANNEL, message.array());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "job event not published (" + e.getMessage() + "); watchers fall back to polling");
        }
    }

    /** Listens to one job's changes; close the handle to stop. */
    public AutoCloseable listen(String jobId, Consumer<JobRecord> listener) {
        listeners.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> listeners.computeIfPresent(jobId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Listens to every job's changes (runners watch for cancellations this way). */
    public AutoCloseable listenAll(Consumer<JobRecord> listener) {
        allListeners.add(listener);
        return () -> allListeners.remove(listener);
    }

    private void deliver(JobRecord job) {
        Set<Consumer<JobRecord>> forJob = listeners.get(job.id());
        if (forJob != null) {
            forJob.forEach(listener -> listener.accept(job));
        }
        allListeners.forEach(listener -> listener.accept(job));
    }

    private void onMessage(byte[] message) {
        ByteBuffer buffer = ByteBuffer.wrap(message);
        buffer.getLong();
        String id = StandardCharsets.US_ASCII.decode(buffer).toString();
        if (listeners.containsKey(id) || !allListeners.isEmpty()) {
            // the event says which job changed; the row is the truth
            store.get(id).ifPresent(this::deliver);
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
