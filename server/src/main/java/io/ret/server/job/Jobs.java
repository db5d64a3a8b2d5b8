package io.ret.server.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.ret.operator.api.RetJobValidation;
import io.ret.server.platform.Ids;
import io.ret.server.platform.db.Database;
import io.ret.server.platform.api.Validate;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.security.Principal;

/**
 * Submitting, reading and cancelling jobs, with ownership: users see their
 * own jobs, admins all; another user's job is "not found". Where a job runs is
 * the dispatcher's business.
 */
public final class Jobs {
    /** Hands a new job to whoever runs jobs: the local runner, or Kubernetes. */
    public interface Dispatcher {
        void submitted(JobRecord job);

        void cancelRequested(JobRecord job);
    }

    /** How long a call waits for another one busy with the same subject. */
    private static final Duration SUBJECT_LOCK_WAIT = Duration.ofSeconds(10);

    private final JobStore store;
    private final JobEvents events;
    private final Dispatcher dispatcher;
    private final JobSettings settings;
    private final Clock clock;

    public Jobs(JobStore store, JobEvents events, Dispatcher dispatcher, JobSettings settings, Clock clock) {
        this.store = store;
        this.events = events;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.clock = clock;
    }

    public JobRecord submit(Principal owner, JobType type, String subjectId, byte[] params, int priority) {
        return submit(owner, type, subjectId, params, priority, 0, "queued");
    }

    /** As {@link #submit(Principal, JobType, String, byte[], int)}, with the work known before it starts. */
    public JobRecord submit(Principal owner, JobType type, String subjectId, byte[] params, int priority, long workTotal,
                            String phase) {
        JobRecord job = newJob(owner, type, subjectId, params, priority, workTotal, phase);
        store.insert(job);
        return announce(job);
    }

    /**
     * Submits unless a job is pending or running on the subject ({@code what} names it in the
     * refusal). Of two such calls on one subject at once, only one can succeed.
     */
    public JobRecord submitIfIdle(Principal owner, JobType type, String subjectId, byte[] params, int priority,
            String what) {
        JobRecord job = newJob(owner, type, subjectId, params, priority, 0, "queued");
        whileIdle(subjectId, what, c -> {
            JobStore.insert(c, job);
            return null;
        });
        return announce(job);
    }

    /**
     * Runs {@code action}, on the connection it is given, while no job is pending or running on
     * the subject and none can start (deleting a session, say); refuses with BUSY otherwise.
     */
    public void whileIdle(String subjectId, String what, Database.Work<Void> action) {
        boolean ran = store.withSubjectLock(subjectId, SUBJECT_LOCK_WAIT, c -> {
            if (JobStore.busy(c, subjectId)) {
                throw ApiException.failedPrecondition("BUSY", what + " has a job pending or running; cancel it or wait");
            }
            return action.run(c);
        });
        if (!ran) {
            throw ApiException.aborted("BUSY", what + " is being changed by another request; try again");
        }
    }

    private JobRecord newJob(Principal owner, JobType type, String subjectId, byte[] params, int priority, long workTotal,
                             String phase) {
        if (priority < RetJobValidation.MIN_PRIORITY || priority > RetJobValidation.MAX_PRIORITY) {
            throw ApiException.invalid("priority", "must be between " + RetJobValidation.MIN_PRIORITY + " and "
                    + RetJobValidation.MAX_PRIORITY);
        }
        Instant now = clock.instant();
        String correlationId = RequestContext.correlationId();
        return JobRecord.pending(Ids.newId(), type, owner.userId(), priority, subjectId, params, settings.maxAttempts(),
                correlationId == null ? Ids.newId() : correlationId, now).withWork(workTotal, phase);
    }

    private JobRecord announce(JobRecord job) {
        JobRecord stored = store.get(job.id()).orElseThrow();
        events.publish(stored);
        dispatcher.submitted(stored);
        return stored;
    }

    public JobRecord get(Principal principal, String id) {
        Validate.id("job_id", id);
        return store.get(id).filter(j -> principal.mayAccess(j.ownerId()))
                .orElseThrow(() -> ApiException.notFound("job", id));
    }

    /** @param ownerId null: the caller's own jobs (users) or everyone's (admins) */
    public List<JobRecord> list(Principal principal, String ownerId, JobType type, JobState state, String beforeId, int limit) {
        String owner;
        if (principal.isAdmin()) {
            owner = ownerId == null || ownerId.isEmpty() ? null : Validate.id("owner_id", ownerId);
        } else {
            if (ownerId != null && !ownerId.isEmpty() && !ownerId.equals(principal.userId())) {
                throw ApiException.permissionDenied("NOT_YOUR_JOBS", "only admins list other users' jobs");
            }
            owner = principal.userId();
        }
        return store.list(new JobStore.Filter(owner, type, state), beforeId, limit);
    }

    public JobRecord cancel(Principal principal, String id) {
        JobRecord job = get(principal, id);
        if (job.state().terminal()) {
            return job;
        }
        store.requestCancel(job.id(), clock.instant());
        JobRecord now = store.get(job.id()).orElseThrow();
        events.publish(now);
        dispatcher.cancelRequested(now);
        return now;
    }

    public JobStore store() {
        return store;
    }

    public JobEvents events() {
        return events;
    }
}
