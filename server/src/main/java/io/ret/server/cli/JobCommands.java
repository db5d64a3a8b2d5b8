package io.ret.server.cli;

import java.util.Locale;
import java.util.Optional;

import io.ret.api.v1.CancelJobRequest;
import io.ret.api.v1.GetJobRequest;
import io.ret.api.v1.Job;
import io.ret.api.v1.JobServiceGrpc;
import io.ret.api.v1.JobState;
import io.ret.api.v1.JobType;
import io.ret.api.v1.ListJobsRequest;
import io.ret.api.v1.ListJobsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ret jobs list|get|watch|cancel}, and how every command shows a job and its end. */
@Command(name = "jobs", description = "Your jobs: list, get, watch, cancel.",
        subcommands = {JobCommands.List.class, JobCommands.Get.class, JobCommands.Watch.class, JobCommands.Cancel.class})
public final class JobCommands {

    @Command(name = "list", description = "Jobs, newest first.")
    static final class List extends ClientCommand {
        @Option(names = "--type", description = "conversion, comparison or indexing") String type;
        @Option(names = "--state", description = "pending, running, succeeded, failed or cancelled") String state;
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).") int limit;

        List(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            ListJobsRequest.Builder request = ListJobsRequest.newBuilder().setPageSize(Math.clamp(limit, 1, 200));
            if (type != null) {
                request.setType(JobType.valueOf("JOB_TYPE_" + type.toUpperCase(Locale.ROOT)));
            }
            if (state != null) {
                request.setState(JobState.valueOf("JOB_STATE_" + state.toUpperCase(Locale.ROOT)));
            }
            ListJobsResponse response = client.call(JobServiceGrpc::newBlockingStub).listJobs(request.build());
            out.document(response);
            out.textf("%-36s  %-10s  %-9s  %4s  %-19s  %s%n", "JOB", "TYPE", "STATE", "%", "CREATED", "PHASE / ERROR");
            for (Job job : response.getJobsList()) {
                out.text(row(job));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "One job.")
    static final class Get extends ClientCommand {
        @Parameters(paramLabel = "JOB") String jobId;

        Get(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            Job job = client.call(JobServiceGrpc::newBlockingStub).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
            out.document(job);
            describe(job, out);
            return ExitCodes.OK;
        }
    }

    @Command(name = "watch", description = "Follow a job until it ends; Ctrl-C asks to cancel it or stop watching.")
    static final class Watch extends ClientCommand {
        @Parameters(paramLabel = "JOB") String jobId;

        Watch(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) throws InterruptedException {
            Job job = client.call(JobServiceGrpc::newBlockingStub).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
            return follow(client, context, out, job, true, null);
        }
    }

    @Command(name = "cancel", description = "Ask a job to stop; it leaves no partial output.")
    static final class Cancel extends ClientCommand {
        @Parameters(paramLabel = "JOB") String jobId;

        Cancel(CliContext context) {
            super(context);
        }

        @Override
        protected int run(RetClient client, Output out) {
            Job job = client.call(JobServiceGrpc::newBlockingStub)
                    .cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build());
            out.document(job);
            out.text("cancel requested: " + row(job));
            return ExitCodes.OK;
        }
    }

    /** What happens after a start call: follow the job (and then print its result), or print the job. */
    interface Result {
        void print(RetClient client, Output out, Job job);
    }

    static int follow(RetClient client, CliContext context, Output out, Job job, boolean watch, Result result)
            throws InterruptedException {
        if (!watch) {
            out.document(job);
            out.text("started job " + job.getId() + " (" + Output.name(job.getState(), "JOB_STATE_")
                    + "); follow it with: ret jobs watch " + job.getId());
            return ExitCodes.OK;
        }
        Optional<Job> ended = new JobWatcher(client, context, out).watch(job);
        if (ended.isEmpty()) {
            return ExitCodes.DETACHED;
        }
        Job last = ended.get();
        return switch (last.getState()) {
            case JOB_STATE_SUCCEEDED -> {
                if (result != null) {
                    result.print(client, out, last);
                } else {
                    describe(last, out);
                }
                yield ExitCodes.OK;
            }
            case JOB_STATE_FAILED, JOB_STATE_CANCELLED -> {
                context.err().println("ret: job " + last.getId() + " " + Output.name(last.getState(), "JOB_STATE_")
                        + (last.hasError() ? ": " + last.getError().getMessage() + "\n  reason: "
                        + last.getError().getReason() : ""));
                yield ExitCodes.FAILED;
            }
            default -> ExitCodes.OK; // the stream ends only at a terminal state
        };
    }

    static String row(Job job) {
        String about = job.hasError() ? job.getError().getReason() + ": " + job.getError().getMessage() : job.getPhase();
        return String.format(Locale.ROOT, "%-36s  %-10s  %-9s  %4d  %-19s  %s", job.getId(),
                Output.name(job.getType(), "JOB_TYPE_"), Output.name(job.getState(), "JOB_STATE_"),
                job.getProgressPercent(), Output.time(job.getCreateTime()), about);
    }

    static void describe(Job job, Output out) {
        out.text("job " + job.getId() + "  " + Output.name(job.getType(), "JOB_TYPE_") + "  "
                + Output.name(job.getState(), "JOB_STATE_") + "  " + job.getProgressPercent() + "%");
        if (!job.getPhase().isEmpty()) {
            out.text("  phase: " + job.getPhase());
        }
        if (!job.getSubjectId().isEmpty()) {
            out.text("  subject: " + job.getSubjectId());
        }
        if (!job.getResultId().isEmpty()) {
            out.text("  result: " + job.getResultId());
        }
        out.text("  created " + Output.time(job.getCreateTime()) + ", started " + Output.time(job.getStartTime())
                + ", ended " + Output.time(job.getEndTime()));
        if (job.hasError()) {
            out.text("  error: " + job.getError().getReason() + ": " + job.getError().getMessage());
        }
        if (job.hasResult()) {
            var result = job.getResult();
            if (result.hasConversion()) {
                var c = result.getConversion();
                out.textf("  converted %d of %d files (%d failed): %d rows, %d CSV files%n", c.getFilesSucceeded(),
                        c.getFilesTotal(), c.getFilesFailed(), c.getRowsWritten(), c.getOutputs());
                c.getFailuresList().forEach(f -> out.text("    failed " + f.getPath()
                        + (f.getLine() > 0 ? ":" + f.getLine() : "") + ": " + f.getReason()));
            } else if (result.hasComparison()) {
                var c = result.getComparison();
                out.textf("  files %d (matched %d, added %d, removed %d, failed %d); rows added %d, removed %d, "
                                + "modified %d, unchanged %d; similarity %.4f%n", c.getFilesTotal(), c.getFilesMatched(),
                        c.getFilesAdded(), c.getFilesRemoved(), c.getFilesFailed(), c.getRowsAdded(),
                        c.getRowsRemoved(), c.getRowsModified(), c.getRowsUnchanged(), c.getAverageSimilarity());
            } else if (result.hasIndexing()) {
                var c = result.getIndexing();
                out.textf("  indexed %d files into %d chunks (%d from the cache, %d replaced) with %s%n",
                        c.getFilesIndexed(), c.getChunksIndexed(), c.getChunksCached(), c.getChunksReplaced(),
                        c.getEmbeddingModel());
            }
        }
    }
}
