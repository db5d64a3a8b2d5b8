package io.ret.server.job;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.ret.server.platform.error.ApiException;

/**
 * Every WatchJob stream of this server instance, grouped by job. The watchers
 * of one job share one event listener and one periodic re-read of its row
 * (covering lost events), so database reads grow with the number of watched
 * jobs, not with the number of watchers. Streams are capped per user.
 */
final class JobWatchers implements AutoCloseable {
    private final JobStore store;
    private final JobEvents events;
    private final long pollMillis;
    private final int maxPerUser;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("job-watch-poll").daemon().factory());
    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final Map<String, Integer> perUser = new ConcurrentHashMap<>();

    /** The watchers of one job, its listener and its re-read. */
    private static final class Group {
        final Set<Consumer<JobRecord>> members = ConcurrentHashMap.newKeySet();
        AutoCloseable subscription;
        ScheduledFuture<?> poll;
        volatile JobRecord latest;

        void deliver(JobRecord job) {
            remember(job);
            members.forEach(member -> member.accept(job));
        }

        synchronized void remember(JobRecord job) {
            if (latest == null || job.version() > latest.version()) {
                latest = job;
            }
        }
    }

    /**
     * @param pollMillis how often a watched job's row is re-read in case an event was lost
     * @param maxPerUser WatchJob streams one user may hold open on this instance
     */
    JobWatchers(JobStore store, JobEvents events, long pollMillis, int maxPerUser) {
        this.store = store;
        this.events = events;
        this.pollMillis = pollMillis;
        this.maxPerUser = maxPerUser;
    }

    /** Takes one of the user's stream slots (RESOURCE_EXHAUSTED when none is left); run the result to give it back. */
    Runnable reserve(String userId) {
        boolean[] granted = {false};
        perUser.compute(userId, (k, open) -> {
            int count = open == null ? 0 : open;
            if (count >= maxPerUser) {
                return open;
            }
            granted[0] = true;
            return count + 1;
        });
        if (!granted[0]) {
            throw ApiException.resourceExhausted("WATCH_LIMIT", "you have " + maxPerUser + " WatchJob streams open;"
                            + " end one before watching another job", null)
                    .with(Map.of("limit", Integer.toString(maxPerUser)));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                perUser.computeIfPresent(userId, (k, open) -> open <= 1 ? null : open - 1);
            }
        };
    }

    /**
     * The newest state of a job already watched here (from its events and re-reads), so a further
     * watcher of it needs no read of its own; empty when nobody here watches it.
     */
    Optional<JobRecord> latest(String jobId) {
        Group group = groups.get(jobId);
        return group == null ? Optional.empty() : Optional.ofNullable(group.latest);
    }

    /** Delivers every change of {@code current}'s job to {@code watcher} until the handle is closed. */
    AutoCloseable join(JobRecord current, Consumer<JobRecord> watcher) {
        String jobId = current.id();
        groups.compute(jobId, (id, group) -> {
            if (group == null) {
                Group created = new Group();
                created.subscription = events.listen(id, created::deliver);
                created.poll = timers.scheduleWithFixedDelay(() -> reread(id), pollMillis, pollMillis,
                        TimeUnit.MILLISECONDS);
                group = created;
            }
            group.remember(current);
            group.members.add(watcher);
            return group;
        });
        return () -> leave(jobId, watcher);
    }

    private void leave(String jobId, Consumer<JobRecord> watcher) {
        groups.computeIfPresent(jobId, (id, group) -> {
            group.members.remove(watcher);
            if (!group.members.isEmpty()) {
                return group;
            }
            group.poll.cancel(false);
            try {
                group.subscription.close();
            } catch (Exception ignored) {
                // a listener handle holds nothing
            }
            return null;
        });
    }

    private void reread(String jobId) {
        Group group = groups.get(jobId);
        if (group == null) {
            return;
        }
        try {
            store.get(jobId).ifPresent(group::deliver);
        } catch (RuntimeException e) {
            // the database is away; the next event or re-read will do
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
