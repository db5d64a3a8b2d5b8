package io.ret.server.job;

import static io.ret.server.platform.grpc.Unary.reply;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ret.api.v1.CancelJobRequest;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobServiceGrpc;
import io.ret.api.v1.ListJobsRequest;
import io.ret.api.v1.ListJobsResponse;
import io.ret.api.v1.WatchJobRequest;
import io.ret.server.platform.api.Page;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.grpc.ShutdownSignal;
import io.ret.server.platform.security.Principal;

/** ret.v1.JobService: get, list, watch (server stream), cancel. */
public final class JobGrpcService extends JobServiceGrpc.JobServiceImplBase implements AutoCloseable {
    private final Jobs jobs;
    private final ShutdownSignal shutdown;
    private final JobWatchers watchers;

    /**
     * @param pollMillis how often a watched job's row is re-read in case an event was lost
     * @param maxWatchesPerUser WatchJob streams one user may hold open on this instance
     */
    public JobGrpcService(Jobs jobs, ShutdownSignal shutdown, long pollMillis, int maxWatchesPerUser) {
        this.jobs = jobs;
        this.shutdown = shutdown;
        this.watchers = new JobWatchers(jobs.store(), jobs.events(), pollMillis, maxWatchesPerUser);
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> response) {
        reply(response, JobProtos.job(jobs.get(RequestContext.requirePrincipal(), request.getJobId())));
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> response) {
        Principal principal = RequestContext.requirePrincipal();
        JobType type = JobProtos.type(request.getType());
        JobState state = JobProtos.state(request.getState());
        Page<JobRecord> page = Page.of(request.getPageSize(), request.getPageToken(),
                (before, limit) -> jobs.list(principal, request.getOwnerId(), type, state, before, limit), JobRecord::id);
        ListJobsResponse.Builder out = ListJobsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        page.items().forEach(j -> out.addJobs(JobProtos.job(j)));
        reply(response, out.build());
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<Job> response) {
        Principal principal = RequestContext.requirePrincipal();
        Runnable slot = watchers.reserve(principal.userId());
        JobRecord current;
        try {
            // a job someone here already watches needs no read of its own
            current = watchers.latest(request.getJobId()).filter(j -> principal.mayAccess(j.ownerId()))
                    .orElseGet(() -> jobs.get(principal, request.getJobId()));
        } catch (RuntimeException e) {
            slot.run();
            throw e;
        }
        new JobWatch((ServerCallStreamObserver<Job>) response, slot).start(current, watchers, shutdown);
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
        reply(response, JobProtos.job(jobs.cancel(RequestContext.requirePrincipal(), request.getJobId())));
    }

    @Override
    public void close() {
        watchers.close();
    }
}
