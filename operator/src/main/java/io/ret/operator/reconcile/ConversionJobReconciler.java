package io.ret.operator.reconcile;

import java.time.Clock;

import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.ret.operator.api.ConversionJob;
import io.ret.operator.worker.WorkerJobs;

@ControllerConfiguration(name = "conversionjob")
public final class ConversionJobReconciler extends RetJobReconciler<ConversionJob> {
    public ConversionJobReconciler(WorkerJobs workerJobs, WorkerSlots slots, EventRecorder events, Clock clock) {
        super(ConversionJob.class, workerJobs, slots, events, clock);
    }
}
