package io.ret.server.job.worker;

import java.time.Clock;
import java.util.Optional;

import io.ret.operator.api.RetJob;
import io.ret.server.auth.Account;
import io.ret.server.auth.AccountStore;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobStore;
import io.ret.server.job.kubernetes.JobResources;
import io.ret.server.platform.Ids;
import io.ret.server.platform.security.Role;
import io.ret.server.session.SessionStore;

/**
 * The job row behind a resource: the server's (when {@code spec.jobId} names one), or one made
 * now, idempotently under the resource's uid, for a resource applied with kubectl.
 */
final class WorkerRegistration {
    /** The row, or why the resource cannot run (for its status and the log). */
    sealed interface Outcome {
        record Registered(JobRecord job) implements Outcome {
        }

        record Refused(String problem) implements Outcome {
        }
    }

    private final JobStore store;
    private final AccountStore accounts;
    private final SessionStore sessions;
    private final Clock clock;

    WorkerRegistration(JobStore store, AccountStore accounts, SessionStore sessions, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.sessions = sessions;
        this.clock = clock;
    }

    Outcome register(RetJob<?> resource) {
        JobResources.Kind kind = JobResources.Kind.of(resource);
        JobResources.Request request = JobResources.request(resource);
        String jobId = resource.retJobId();
        Optional<Account> owner = accounts.byUsername(request.owner()).filter(a -> a.usable(clock.instant()));
        Optional<JobRecord> existing = store.get(jobId);
        if (existing.isPresent()) {
            JobRecord row = existing.get();
            // the row must be this resource's job, not another one that happens to share the id
            boolean same = row.type() == kind.jobType() && row.subjectId().equals(request.sessionId())
                    && owner.isPresent() && row.ownerId().equals(owner.get().id());
            return same ? new Outcome.Registered(row)
                    : new Outcome.Refused("job " + jobId + " exists but is not the job this resource describes");
        }
        if (owner.isEmpty()) {
            return new Outcome.Refused("spec.owner '" + request.owner() + "' is not an active RET user");
        }
        if (!mayUse(request.sessionId(), owner.get())) {
            return new Outcome.Refused("spec.sessionId '" + request.sessionId() + "' is not a session of " + request.owner());
        }
        for (String read : request.readsSessions()) { // StartConversion checks the same for the server's jobs
            if (!mayUse(read, owner.get())) {
                return new Outcome.Refused("spec.options.layoutFromSessionId '" + read + "' is not a session of "
                        + request.owner());
            }
        }
        // the CRD's schema keeps priority and retries in range; the row takes them as they are
        // (the options are validated where they are used, by the job's handler)
        store.insertIfAbsent(JobRecord.pending(jobId, kind.jobType(), owner.get().id(), request.priority(),
                request.sessionId(), request.params(), request.retries() + 1, Ids.newId(), clock.instant()));
        return new Outcome.Registered(store.get(jobId).orElseThrow());
    }

    private boolean mayUse(String sessionId, Account owner) {
        return sessions.get(sessionId)
                .filter(s -> s.ownerId().equals(owner.id()) || owner.role() == Role.ADMIN)
                .isPresent();
    }
}
