package io.ret.server.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.ret.api.v1.CancelJobRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobServiceGrpc;
import io.ret.api.v1.JobState;
import io.ret.api.v1.WatchJobRequest;
import io.ret.server.platform.console.ProgressLine;

/**
 * Follows a job through WatchJob until it ends: a live progress line on a terminal, a line per
 * change of state or phase otherwise, JSON lines with --output json. Ctrl-C asks whether to
 * cancel the job or only stop watching (without a terminal it stops watching).
 */
final class JobWatcher {
    private static final Object END = new Object();
    private static final Object INTERRUPTED = new Object();

    private final RetClient client;
    private final CliContext context;
    private final Output out;

    JobWatcher(RetClient client, CliContext context, Output out) {
        this.client = client;
        this.context = context;
        this.out = out;
    }

    /** The job's final state, or empty when the user stopped watching. */
    Optional<Job> watch(Job started) throws InterruptedException {
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        var call = new Object() {
            ClientCallStreamObserver<WatchJobRequest> requests;
            volatile boolean detached;
        };
        ProgressLine line = ProgressLine.on(context.err(), context.interactive() && !out.json(),
                label(started), ProgressLine.Unit.ITEMS);
        try (Interrupts.Registration ignored = context.interrupts().listen(() -> events.add(INTERRUPTED))) {
            client.stream(JobServiceGrpc::newStub).watchJob(
                    WatchJobRequest.newBuilder().setJobId(started.getId()).build(),
                    new ClientResponseObserver<WatchJobRequest, Job>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<WatchJobRequest> requestStream) {
                            call.requests = requestStream;
                        }

                        @Override
                        public void onNext(Job job) {
                            events.add(job);
                        }

                        @Override
                        public void onError(Throwable t) {
                            events.add(t);
                        }

                        @Override
                        public void onCompleted() {
                            events.add(END);
                        }
                    });
            Job last = started;
            String lastSaid = "";
            while (true) {
                Object event = events.take();
                if (event == END) {
                    break;
                } else if (event instanceof Job job) {
                    last = job;
                    lastSaid = show(job, line, lastSaid);
                } else if (event instanceof Throwable t) {
                    if (call.detached) {
                        break;
                    }
                    line.finish();
                    throw t instanceof StatusRuntimeException e ? e : Status.fromThrowable(t).asRuntimeException();
                } else if (event == INTERRUPTED) {
                    line.clear();
                    if (askToCancel(last)) {
                        last = client.call(JobServiceGrpc::newBlockingStub)
                                .cancelJob(CancelJobRequest.newBuilder().setJobId(last.getId()).build());
                        context.err().println("ret: cancelling job " + last.getId() + "; waiting for it to stop");
                    } else {
                        call.detached = true;
                        call.requests.cancel("the user stopped watching", null);
                        line.clear();
                        context.err().println("ret: stopped watching; job " + last.getId()
                                + " goes on. Watch it again with: ret jobs watch " + last.getId());
                        return Optional.empty();
                    }
                }
            }
            if (context.interactive() && !out.json()) {
                line.update(last.getWorkDone(), last.getWorkTotal(), ProgressLine.unit(last.getWorkUnit()),
                        state(last));
                line.finish();
            }
            return Optional.of(last);
        }
    }

    /** Asks on the terminal; without one, Ctrl-C only stops watching. */
    private boolean askToCancel(Job job) {
        if (!context.interactive()) {
            return false;
        }
        context.err().print("Ctrl-C: cancel job " + job.getId() + " (c), or stop watching and let it run (w)? [w] ");
        context.err().flush();
        String answer = context.readLine();
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("c");
    }

    private String show(Job job, ProgressLine line, String lastSaid) {
        if (out.json()) {
            out.line(job);
            return lastSaid;
        }
        if (context.interactive()) {
            if (job.getWorkTotal() > 0) {
                line.update(job.getWorkDone(), job.getWorkTotal(), ProgressLine.unit(job.getWorkUnit()), state(job));
            } else {
                line.update(job.getProgressPercent(), 100, ProgressLine.Unit.ITEMS, state(job));
            }
            return lastSaid;
        }
        String said = state(job) + " " + job.getProgressPercent() + "%";
        if (!said.equals(lastSaid)) {
            out.text("job " + job.getId() + ": " + said);
        }
        return said;
    }

    private static String state(Job job) {
        String state = Output.name(job.getState(), "JOB_STATE_");
        return job.getPhase().isEmpty() || job.getState() != JobState.JOB_STATE_RUNNING ? state
                : state + ": " + job.getPhase();
    }

    private static String label(Job job) {
        return Output.name(job.getType(), "JOB_TYPE_").toLowerCase(Locale.ROOT);
    }
}
