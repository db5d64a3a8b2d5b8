package io.ret.server.conversion;

import static io.ret.server.platform.grpc.Unary.reply;

import java.time.Clock;

import io.grpc.stub.StreamObserver;
import io.ret.api.v1.ConversionServiceGrpc;
import io.ret.api.v1.Job;
import io.ret.api.v1.StartConversionRequest;
import io.ret.server.conversion.schema.DataPackage;
import io.ret.server.job.JobProtos;
import io.ret.server.job.JobRecord;
import io.ret.server.job.JobType;
import io.ret.server.job.Jobs;
import io.ret.server.platform.error.ApiException;
import io.ret.server.platform.grpc.RequestContext;
import io.ret.server.platform.security.Principal;
import io.ret.server.session.SessionRecord;
import io.ret.server.session.Sessions;
import io.ret.server.session.archive.ArchiveKind;

/** ret.v1.ConversionService: starts a conversion job for a session. */
public final class ConversionGrpcService extends ConversionServiceGrpc.ConversionServiceImplBase {
    private final Sessions sessions;
    private final Jobs jobs;
    private final Clock clock;

    public ConversionGrpcService(Sessions sessions, Jobs jobs, Clock clock) {
        this.sessions = sessions;
        this.jobs = jobs;
        this.clock = clock;
    }

    @Override
    public void startConversion(StartConversionRequest request, StreamObserver<Job> response) {
        Principal principal = RequestContext.requirePrincipal();
        SessionRecord session = sessions.get(principal, request.getSessionId());
        if (session.kind() == ArchiveKind.CSV) {
            throw ApiException.failedPrecondition("CSV_SESSION",
                    "session " + session.id() + " holds CSV files; its outputs are ready without a conversion");
        }
        ConversionRequests.options(request.getOptions()); // refuse bad options now, not in the job
        String layoutFrom = request.getOptions().getLayoutFromSessionId();
        if (!layoutFrom.isEmpty()) {
            SessionRecord earlier = sessions.get(principal, layoutFrom); // the caller's own, or NOT_FOUND
            if (!earlier.hasOutputs() || !DataPackage.exists(sessions.storage().outputsDir(earlier))) {
                throw ApiException.failedPrecondition("NO_LAYOUT", "session " + layoutFrom
                        + " has no converted tables with a schema to take the layout from");
            }
        }
        JobRecord job = jobs.submitIfIdle(principal, JobType.CONVERSION, session.id(), request.getOptions().toByteArray(),
                request.getPriority(), "the session");
        sessions.store().setConversionJob(session.id(), job.id(), clock.instant());
        reply(response, JobProtos.job(job));
    }
}
