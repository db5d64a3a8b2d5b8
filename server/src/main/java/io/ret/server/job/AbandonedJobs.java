package io.ret.server.job;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells a job's handler that its job was ended by someone else than its runner (the reaper, the
 * Kubernetes dispatcher's sweep), so what the run left in between is undone there. Every
 * handler is known here, also those whose jobs run in worker pods.
 */
public final class AbandonedJobs {
    private static final Logger LOG = Logger.getLogger(AbandonedJobs.class.getName());

    private final Map<JobType, JobHandler> handlers = new EnumMap<>(JobType.class);

    public AbandonedJobs(List<JobHandler> handlers) {
        handlers.forEach(h -> this.handlers.put(h.type(), h));
    }

    /** The job (as it was read before it was ended) has ended {@code end} without its handler. */
    public void ended(JobRecord job, JobState end) {
        JobHandler handler = handlers.get(job.type());
        if (handler == null) {
            return;
        }
        try {
            handler.abandoned(job, end);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot clean up after abandoned job " + job.id(), e);
        }
    }
}
