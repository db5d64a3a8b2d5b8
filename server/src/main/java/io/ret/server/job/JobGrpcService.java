package io.ret.server.job;

import static io.ret.server.platform.grpc.Unary.reply;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

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
    private final long pollMillis;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("job-watch-poll").daemon().factory());

    /** @param pollMillis how often a watch re-reads the row in case an event was lost */
    public JobGrpcService(Jobs jobs, ShutdownSignal shutdown, long pollMillis) {
        this.jobs = jobs;
        this.shutdown = shutdown;
        this.pollMillis = pollMillis;
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
        JobRecord current = jobs.get(RequestContext.requirePrincipal(), request.getJobId());
        var call = (ServerCallStreamObserver<Job>) response;
        new JobWatch(call, jobs.store(), current.id()).start(current, jobs.events(), timers, pollMillis, shutdown);
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> response) {
        reply(response, JobProtos.job(jobs.cancel(RequestContext.requirePrincipal(), request.getJobId())));
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
